// The live transcript: the stored pages first, then each `transcript:segment` as it comes,
// under the speaker's name. It follows the newest line until the reader scrolls up, and says
// whether transcription is on and whose voice is never transcribed.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { pageSchema } from '../../../../../shared/protocol/common.js';
import { transcriptSegmentSchema } from '../../../../../shared/protocol/intelligence.js';
import type { TranscriptionState } from '../../../../../shared/protocol/meetings-media.js';
import { get } from '../../../api/http.js';
import { connectCount, getSocket } from '../../../api/socket.js';
import { t } from '../../../i18n/index.js';
import { ErrorMessage, Loading } from '../../../ui/status.js';
import { askName, knownNames, learnNames } from './names.js';
import { clockOf, lineDomId, mergeLines, speakerRuns, type TranscriptLine } from './transcript-lines.js';

const PAGE = 500;
/** Enough for a very long meeting; the rest stays in the export. */
const MAX_PAGES = 40;
/** How close to the bottom still counts as "following". */
const FOLLOW_SLACK_PX = 48;

interface Props {
  meetingId: number;
  transcription: TranscriptionState | null;
  lines: TranscriptLine[];
  onLines: (update: (lines: TranscriptLine[]) => TranscriptLine[]) => void;
  /** A line a citation asked for; the pane scrolls to it, highlights and focuses it. */
  target: { id: number; nonce: number } | null;
}

export function speakerName(id: number | null, names: ReadonlyMap<number, string>): string {
  if (id === null) return t('meeting.transcript.unknownSpeaker');
  return names.get(id) ?? t('meeting.transcript.someone');
}

function TranscriptionBanner({ state }: { state: TranscriptionState | null }) {
  const names = knownNames.value;
  useEffect(() => {
    for (const id of state?.opted_out ?? []) askName(id);
  }, [state]);
  if (!state) return null;
  const optedOut = state.opted_out.map((id) => names.get(id) ?? t('meeting.transcript.someone'));
  return (
    <div class={`transcription-banner ${state.on ? 'is-on' : 'is-off'}`} role="status">
      <span class="transcription-dot" aria-hidden="true" />
      <span>
        <strong>{state.on ? t('meeting.transcript.on') : t('meeting.transcript.off')}</strong>
        {state.on && optedOut.length > 0 && <span class="transcription-optout"> {t('meeting.transcript.optedOut', { names: optedOut.join(', ') })}</span>}
      </span>
    </div>
  );
}

export function TranscriptPane({ meetingId, transcription, lines, onLines, target }: Props) {
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const [following, setFollowing] = useState(true);
  const [highlight, setHighlight] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const followingRef = useRef(true);
  const names = knownNames.value;

  // Live lines first (so none is missed while the pages load), then the stored pages; again after a reconnect.
  useEffect(() => {
    const socket = getSocket();
    const onSegment = ({ meeting_id, segment }: { meeting_id: number; segment: TranscriptLine }) => {
      if (meeting_id !== meetingId) return;
      if (segment.speaker_id !== null) askName(segment.speaker_id);
      onLines((current) => mergeLines(current, [{ id: segment.id, speaker_id: segment.speaker_id, start_ms: segment.start_ms, text: segment.text }]));
    };
    socket.on('transcript:segment', onSegment);
    return () => {
      socket.off('transcript:segment', onSegment);
    };
  }, [meetingId]);

  const reconnects = connectCount.value;
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    (async () => {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await get(`/api/meetings/${meetingId}/transcript`, pageSchema(transcriptSegmentSchema), { query: { limit: PAGE, cursor }, signal: controller.signal });
        learnNames(answer.items.flatMap((s) => (s.speaker_id !== null && s.speaker_name ? [[s.speaker_id, s.speaker_name] as const] : [])));
        onLines((current) => mergeLines(current, answer.items));
        if (!answer.next_cursor) break;
        cursor = answer.next_cursor;
      }
    })().then(
      () => {
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [meetingId, round, reconnects]);

  // Follow the newest line unless the reader has scrolled up.
  useLayoutEffect(() => {
    const box = scroller.current;
    if (box && followingRef.current) box.scrollTop = box.scrollHeight;
  }, [lines]);

  useEffect(() => {
    if (!target) return;
    const line = document.getElementById(lineDomId(meetingId, target.id));
    if (!line) return;
    followingRef.current = false;
    setFollowing(false);
    setHighlight(target.id);
    const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    line.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
    line.focus({ preventScroll: true });
  }, [target]);

  const onScroll = () => {
    const box = scroller.current;
    if (!box) return;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight <= FOLLOW_SLACK_PX;
    followingRef.current = atBottom;
    if (atBottom !== following) setFollowing(atBottom);
  };

  const jumpToLatest = () => {
    const box = scroller.current;
    if (!box) return;
    followingRef.current = true;
    setFollowing(true);
    box.scrollTop = box.scrollHeight;
  };

  return (
    <div class="transcript-pane">
      <TranscriptionBanner state={transcription} />
      {error !== null && <ErrorMessage error={error} onRetry={() => setRound((n) => n + 1)} />}
      {loading && lines.length === 0 && <Loading label={t('meeting.transcript.loading')} />}
      <div class="transcript-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} role="log" aria-label={t('meeting.transcript.label')}>
        {!loading && lines.length === 0 && <p class="muted">{t('meeting.transcript.empty')}</p>}
        {speakerRuns(lines).map((run) => (
          <section class="transcript-run" key={run[0]?.id}>
            <h4 class="transcript-speaker">{speakerName(run[0]?.speaker_id ?? null, names)}</h4>
            <ol class="transcript-lines">
              {run.map((line) => (
                <li id={lineDomId(meetingId, line.id)} key={line.id} tabIndex={-1} class={`transcript-line${highlight === line.id ? ' is-cited' : ''}`}>
                  <span class="transcript-time">{clockOf(line.start_ms)}</span>
                  <span class={line.text ? 'transcript-text' : 'transcript-text muted'}>{line.text || t('meeting.transcript.noWords')}</span>
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
      {!following && lines.length > 0 && (
        <button type="button" class="btn btn-small transcript-latest" onClick={jumpToLatest}>
          {t('meeting.transcript.latest')}
        </button>
      )}
    </div>
  );
}
