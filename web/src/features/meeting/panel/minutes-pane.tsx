// The minutes tab: loads the editor's chunk (Tiptap, Yjs, y-websocket) on first show, so
// nothing of it is fetched outside the meeting room.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../../i18n/index.js';
import { ErrorMessage, Loading } from '../../../ui/status.js';
import type { MinutesEditorProps } from './minutes-editor.js';

let editorModule: Promise<{ default: ComponentType<MinutesEditorProps> }> | null = null;
const loadEditor = () => (editorModule ??= import('./minutes-editor.js'));

export function MinutesPane(props: MinutesEditorProps) {
  const [Editor, setEditor] = useState<ComponentType<MinutesEditorProps> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    loadEditor().then(
      (module) => live && setEditor(() => module.default),
      (err: unknown) => {
        editorModule = null;
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [round]);

  if (Editor) return <Editor {...props} />;
  if (error !== null) return <ErrorMessage error={error} onRetry={() => setRound((n) => n + 1)} />;
  return <Loading label={t('meeting.minutes.loading')} />;
}
