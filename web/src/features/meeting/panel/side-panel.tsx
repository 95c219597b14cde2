// The meeting room's side panel: the shared minutes, the live transcript, talk time for those
// who run the meeting, and the summary once there is one. A column beside the call on a wide
// screen, a bottom sheet on a phone. Every tab stays mounted, so the minutes keep their
// connection and the transcript its lines while another tab is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Citation, SummaryResponse } from '../../../../../shared/protocol/intelligence.js';
import { summaryResponseSchema } from '../../../../../shared/protocol/intelligence.js';
import type { TranscriptionState } from '../../../../../shared/protocol/meetings-media.js';
import { meetingResponseSchema } from '../../../../../shared/protocol/meetings.js';
import { ALL_ROLES, can, type Role } from '../../../../../shared/permissions.js';
import { ApiError } from '../../../api/errors.js';
import { get } from '../../../api/http.js';
import { getSocket } from '../../../api/socket.js';
import { t, type MessageKey } from '../../../i18n/index.js';
import { MinutesPane } from './minutes-pane.js';
import { SummaryPane } from './summary-pane.js';
import { TalkTime } from './talk-time.js';
import type { TranscriptLine } from './transcript-lines.js';
import { TranscriptPane } from './transcript-pane.js';
import './panel.css';

export interface SidePanelProps {
  meetingId: number;
  clubId: number;
  /** The viewer's role in the club: note-takers and moderators edit the minutes, others read. */
  role: string;
  /** The meeting has ended: show the summary. */
  ended: boolean;
  /** The join reply's `transcription`, when the page has joined (later changes come as meeting:transcription). */
  transcription?: TranscriptionState;
}

type TabId = 'minutes' | 'transcript' | 'people' | 'summary';
const TAB_WORDS: Record<TabId, MessageKey> = {
  minutes: 'meeting.panel.minutes',
  transcript: 'meeting.panel.transcript',
  people: 'meeting.panel.people',
  summary: 'meeting.panel.summary',
};
const SUMMARY_POLL_MS = 4_000;

const roleOf = (role: string): Role => ((ALL_ROLES as readonly string[]).includes(role) ? (role as Role) : 'outsider');

/** Shows the nth text block of the minutes (the numbering summaries cite, see readParagraphs). */
function showParagraph(panel: HTMLElement | null, n: number): void {
  const blocks = panel?.querySelectorAll<HTMLElement>('.minutes-prose :is(p, h1, h2, h3, h4, h5, h6, pre)');
  const block = blocks?.[n];
  if (!block) return;
  block.scrollIntoView({ block: 'center' });
  block.classList.add('is-cited');
  setTimeout(() => block.classList.remove('is-cited'), 4_000);
}

function useSummary(meetingId: number, mayRead: boolean, ended: boolean) {
  const [summary, setSummary] = useState<SummaryResponse | null>(null);
  const [loading, setLoading] = useState(mayRead);
  const working = summary?.status === 'queued' || summary?.status === 'running';
  useEffect(() => {
    if (!mayRead) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => {
      get(`/api/meetings/${meetingId}/summary`, summaryResponseSchema, { signal: controller.signal }).then(
        (answer) => {
          setSummary(answer);
          setLoading(false);
          if (answer.status === 'queued' || answer.status === 'running') timer = setTimeout(load, SUMMARY_POLL_MS);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          if (!(err instanceof ApiError && err.code === 'not_found')) console.warn('summary', err);
          setLoading(false);
        },
      );
    };
    load();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [meetingId, mayRead, ended, working]);
  return { summary, loading, setSummary };
}

function useTranscription(meetingId: number, fromJoin: TranscriptionState | undefined, mayRead: boolean): TranscriptionState | null {
  const [state, setState] = useState<TranscriptionState | null>(fromJoin ?? null);
  useEffect(() => {
    if (fromJoin) setState(fromJoin);
  }, [fromJoin]);
  // Before (or without) a join: whether the meeting transcribes at all; who opted out comes with the join.
  useEffect(() => {
    if (fromJoin || !mayRead) return;
    const controller = new AbortController();
    get(`/api/meetings/${meetingId}`, meetingResponseSchema, { signal: controller.signal }).then(
      (meeting) => setState((current) => current ?? { on: meeting.transcription, opted_out: [] }),
      () => undefined,
    );
    return () => controller.abort();
  }, [meetingId, mayRead]);
  useEffect(() => {
    const socket = getSocket();
    const onChange = ({ meeting_id, on, opted_out }: { meeting_id: number } & TranscriptionState) => {
      if (meeting_id === meetingId) setState({ on, opted_out });
    };
    socket.on('meeting:transcription', onChange);
    return () => {
      socket.off('meeting:transcription', onChange);
    };
  }, [meetingId]);
  return state;
}

export function SidePanel({ meetingId, clubId, role, ended, transcription }: SidePanelProps) {
  const who = roleOf(role);
  const canWrite = can(who, 'notes.write');
  const mayReadTranscript = can(who, 'transcript.read');
  const mayReadSummary = can(who, 'summary.read');
  const facilitates = who === 'owner' || who === 'moderator';

  const [tab, setTab] = useState<TabId>('minutes');
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState<TranscriptLine[]>([]);
  const [target, setTarget] = useState<{ id: number; nonce: number } | null>(null);
  const panel = useRef<HTMLElement>(null);
  const state = useTranscription(meetingId, transcription, mayReadTranscript);
  const { summary, loading: summaryLoading, setSummary } = useSummary(meetingId, mayReadSummary, ended);

  const tabs: TabId[] = ['minutes'];
  if (mayReadTranscript) tabs.push('transcript');
  if (facilitates) tabs.push('people');
  if (mayReadSummary && (ended || summary?.summary)) tabs.push('summary');
  const current = tabs.includes(tab) ? tab : 'minutes';

  const choose = (next: TabId) => {
    setTab(next);
    setOpen(true);
  };

  const onTabKey = (event: KeyboardEvent) => {
    const at = tabs.indexOf(current);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const id = tabs[next] ?? 'minutes';
    choose(id);
    panel.current?.querySelector<HTMLElement>(`#${tabDomId(meetingId, id)}`)?.focus();
  };

  const onCite = (citation: Citation) => {
    if (citation.kind === 'segment') {
      choose('transcript');
      setTarget({ id: citation.segment_id, nonce: Date.now() });
    } else {
      choose('minutes');
      requestAnimationFrame(() => showParagraph(panel.current, citation.paragraph));
    }
  };

  return (
    <aside class={`meeting-panel${open ? ' is-open' : ''}`} ref={panel} aria-labelledby={`panel-title-${meetingId}`}>
      <div class="meeting-panel-head">
        <h2 id={`panel-title-${meetingId}`} class="meeting-panel-title">
          {t('meeting.panel.title')}
        </h2>
        <button type="button" class="btn btn-small btn-quiet meeting-panel-toggle" aria-expanded={open} aria-controls={`panel-body-${meetingId}`} onClick={() => setOpen(!open)}>
          {open ? t('meeting.panel.hide') : t('meeting.panel.show')}
        </button>
      </div>
      <div class="meeting-panel-tabs" role="tablist" aria-label={t('meeting.panel.tabs')} onKeyDown={onTabKey}>
        {tabs.map((id) => (
          <button
            key={id}
            id={tabDomId(meetingId, id)}
            type="button"
            role="tab"
            aria-selected={id === current}
            aria-controls={`${tabDomId(meetingId, id)}-panel`}
            tabIndex={id === current ? 0 : -1}
            onClick={() => choose(id)}
          >
            {t(TAB_WORDS[id])}
          </button>
        ))}
      </div>
      <div class="meeting-panel-body" id={`panel-body-${meetingId}`}>
        <TabPanel meetingId={meetingId} id="minutes" current={current}>
          <MinutesPane meetingId={meetingId} canWrite={canWrite} />
        </TabPanel>
        {mayReadTranscript && (
          <TabPanel meetingId={meetingId} id="transcript" current={current}>
            <TranscriptPane meetingId={meetingId} transcription={state} lines={lines} onLines={setLines} target={target} />
          </TabPanel>
        )}
        {facilitates && (
          <TabPanel meetingId={meetingId} id="people" current={current}>
            <TalkTime meetingId={meetingId} clubId={clubId} />
          </TabPanel>
        )}
        {tabs.includes('summary') && (
          <TabPanel meetingId={meetingId} id="summary" current={current}>
            <SummaryPane meetingId={meetingId} summary={summary} loading={summaryLoading} mayCreate={can(who, 'summary.create')} onSummary={setSummary} onCite={onCite} />
          </TabPanel>
        )}
      </div>
    </aside>
  );
}

const tabDomId = (meetingId: number, id: TabId): string => `meeting-${meetingId}-tab-${id}`;

function TabPanel({ meetingId, id, current, children }: { meetingId: number; id: TabId; current: TabId; children: preact.ComponentChildren }) {
  return (
    <div class="meeting-panel-pane" role="tabpanel" id={`${tabDomId(meetingId, id)}-panel`} aria-labelledby={tabDomId(meetingId, id)} hidden={id !== current} tabIndex={0}>
      {children}
    </div>
  );
}
