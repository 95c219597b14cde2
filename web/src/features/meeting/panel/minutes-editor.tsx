// The minutes editor (its own chunk: Tiptap and Yjs load only in the meeting room). Bound to
// the meeting document's `body` fragment, the one the server's template writes and its Markdown
// export reads; others' cursors carry the names the server stamps on their presence.
import { Editor } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { useEffect, useRef, useState } from 'preact/hooks';
import { NOTES_FIELDS, questionsOf, readQuestions, type Question } from '../../../../../shared/notes-schema.js';
import { fetchApi } from '../../../api/http.js';
import { t, type MessageKey } from '../../../i18n/index.js';
import { displayName, me } from '../../../live/me.js';
import { errorWords } from '../../../ui/errors.js';
import { Loading } from '../../../ui/status.js';
import { notify } from '../../../ui/toast.js';
import { openMinutes, type MinutesConnection, type MinutesStatus } from './minutes-connection.js';
import { minutesExtensions } from './minutes-extensions.js';

export interface MinutesEditorProps {
  meetingId: number;
  canWrite: boolean;
}

/** Cursor colours: dark enough for the white name label on them (contrast ≥ 4.5:1). */
const COLORS = ['#1f5f7a', '#8a3b12', '#5b3f8c', '#2e6b30', '#9b2c4a', '#6b5300', '#205e5e', '#7a2e7a'];
const colorFor = (id: number): string => COLORS[Math.abs(id) % COLORS.length] ?? '#1f5f7a';

interface Tool {
  label: MessageKey;
  shortcut: string;
  active: (editor: Editor) => boolean;
  run: (editor: Editor) => void;
}

const TOOLS: Tool[] = [
  { label: 'meeting.minutes.heading', shortcut: 'Ctrl+Alt+2', active: (e) => e.isActive('heading', { level: 2 }), run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { label: 'meeting.minutes.subheading', shortcut: 'Ctrl+Alt+3', active: (e) => e.isActive('heading', { level: 3 }), run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
  { label: 'meeting.minutes.bold', shortcut: 'Ctrl+B', active: (e) => e.isActive('strong'), run: (e) => e.chain().focus().toggleBold().run() },
  { label: 'meeting.minutes.italic', shortcut: 'Ctrl+I', active: (e) => e.isActive('em'), run: (e) => e.chain().focus().toggleItalic().run() },
  { label: 'meeting.minutes.bulletList', shortcut: 'Ctrl+Shift+8', active: (e) => e.isActive('bullet_list'), run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: 'meeting.minutes.orderedList', shortcut: 'Ctrl+Shift+7', active: (e) => e.isActive('ordered_list'), run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: 'meeting.minutes.quote', shortcut: 'Ctrl+Shift+B', active: (e) => e.isActive('blockquote'), run: (e) => e.chain().focus().toggleBlockquote().run() },
];

const STATUS_WORDS: Record<MinutesStatus, MessageKey> = {
  connecting: 'meeting.minutes.connecting',
  online: 'meeting.minutes.online',
  offline: 'meeting.minutes.offline',
  refused: 'meeting.minutes.refused',
};

interface Present {
  clientId: number;
  name: string;
  color: string;
}

function presentPeople(connection: MinutesConnection): Present[] {
  const out: Present[] = [];
  for (const [clientId, state] of connection.provider.awareness.getStates()) {
    if (clientId === connection.doc.clientID) continue;
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
    if (typeof user?.name !== 'string') continue;
    out.push({ clientId, name: user.name, color: typeof user.color === 'string' ? user.color : COLORS[0] ?? '' });
  }
  return out;
}

async function downloadMarkdown(meetingId: number): Promise<void> {
  const res = await fetchApi('get', `/api/collab/meeting.${meetingId}/export`, undefined, false, { query: { format: 'md' } });
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = `minutes-meeting-${meetingId}.md`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export default function MinutesEditor({ meetingId, canWrite }: MinutesEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const [connection, setConnection] = useState<MinutesConnection | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [, setRevision] = useState(0);
  const [questions, setQuestions] = useState<Question[]>([]);
  const [people, setPeople] = useState<Present[]>([]);
  const [exporting, setExporting] = useState(false);

  useEffect(() => {
    const opened = openMinutes(`meeting.${meetingId}`);
    setConnection(opened);
    const questionsType = questionsOf(opened.doc);
    const onQuestions = () => setQuestions(readQuestions(opened.doc).filter((q) => q.status === 'open'));
    questionsType.observeDeep(onQuestions);
    const onAwareness = () => setPeople(presentPeople(opened));
    opened.provider.awareness.on('change', onAwareness);
    return () => {
      questionsType.unobserveDeep(onQuestions);
      opened.provider.awareness.off('change', onAwareness);
      opened.close();
      setConnection(null);
    };
  }, [meetingId]);

  // The editor binds once the server's state is here, so an empty first render never reaches the document.
  const synced = connection?.synced.value ?? false;
  const myId = me.value?.id ?? 0;
  useEffect(() => {
    if (!connection || !synced || !host.current) return;
    const created = new Editor({
      element: host.current,
      editable: canWrite,
      injectCSS: false,
      extensions: [
        ...minutesExtensions(),
        Collaboration.configure({ document: connection.doc, field: NOTES_FIELDS.body }),
        CollaborationCaret.configure({ provider: connection.provider, user: { name: me.value ? displayName(me.value) : '', color: colorFor(myId) } }),
      ],
      editorProps: {
        attributes: {
          class: 'minutes-prose prose',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': t('meeting.minutes.editorLabel'),
          'aria-readonly': canWrite ? 'false' : 'true',
        },
      },
    });
    const bump = () => setRevision((n) => n + 1);
    created.on('transaction', bump);
    setEditor(created);
    return () => {
      created.off('transaction', bump);
      created.destroy();
      setEditor(null);
    };
  }, [connection, synced, canWrite, myId]);

  const status = connection?.status.value ?? 'connecting';
  const exportMarkdown = () => {
    setExporting(true);
    downloadMarkdown(meetingId).then(
      () => setExporting(false),
      (err: unknown) => {
        setExporting(false);
        notify(errorWords(err), 'error');
      },
    );
  };

  return (
    <div class="minutes">
      <div class="minutes-bar">
        <span class={`minutes-status status-${status}`} role="status">
          <span class="minutes-status-dot" aria-hidden="true" />
          {t(status === 'online' && !canWrite ? 'meeting.minutes.upToDate' : STATUS_WORDS[status])}
        </span>
        {!canWrite && <span class="badge badge-quiet minutes-readonly">{t('meeting.minutes.viewOnly')}</span>}
        <button type="button" class="btn btn-small btn-quiet minutes-export" onClick={exportMarkdown} disabled={exporting} aria-busy={exporting}>
          {exporting ? t('meeting.minutes.exporting') : t('meeting.minutes.export')}
        </button>
      </div>
      {people.length > 0 && (
        <p class="minutes-people small">
          <span class="muted">{t('meeting.minutes.here')}</span>{' '}
          {people.map((p) => (
            <span class="minutes-person" key={p.clientId}>
              <span class="minutes-person-dot" style={{ background: p.color }} aria-hidden="true" />
              {p.name}
            </span>
          ))}
        </p>
      )}
      {canWrite && editor && (
        <div class="minutes-toolbar" role="toolbar" aria-label={t('meeting.minutes.toolbar')}>
          {TOOLS.map((tool) => (
            <button
              key={tool.label}
              type="button"
              class="btn btn-small btn-quiet"
              aria-pressed={tool.active(editor)}
              aria-keyshortcuts={tool.shortcut.replace('Ctrl', 'Control')}
              title={`${t(tool.label)} (${tool.shortcut})`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => tool.run(editor)}
            >
              {t(tool.label)}
            </button>
          ))}
        </div>
      )}
      {!canWrite && <p class="muted small">{t('meeting.minutes.viewOnlyHint')}</p>}
      {!synced && status !== 'refused' && <Loading label={t('meeting.minutes.loading')} />}
      <div class="minutes-editor" ref={host} />
      {questions.length > 0 && (
        <section class="minutes-questions" aria-labelledby={`questions-${meetingId}`}>
          <h3 id={`questions-${meetingId}`}>{t('meeting.minutes.openQuestions')}</h3>
          <ul>
            {questions.map((q) => (
              <li key={q.id}>{q.text}</li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
