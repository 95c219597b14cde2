// The club's meetings: the live and scheduled ones (a live one opens at /meetings/:id), and the
// past ones with who came, their minutes (the notes exported as Markdown) and their summary.
import { displayName } from '../../live/me.js';
import { StartMeetingButton } from '../meeting/start-meeting-button.js';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { summaryResponseSchema, type Citation, type SummaryContent, type SummaryItem } from '../../../../shared/protocol/intelligence.js';
import { meetingDetailSchema, meetingResponseSchema, type MeetingResponse } from '../../../../shared/protocol/meetings.js';
import { ApiError } from '../../api/errors.js';
import { get } from '../../api/http.js';
import { formatDate, formatDateTime, formatTime, t, tn, type MessageKey } from '../../i18n/index.js';
import { onLinkClick } from '../../router.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { allowed, getText, useContentLive, usePaged } from './content-common.js';
import { ShowMore } from './content-more.js';
import './content-tabs.css';
import type { ClubTabProps } from './tabs.js';

const meetingPage = pageSchema(meetingResponseSchema);
const PER_PAGE = 10;

export default function MeetingsTab({ club }: ClubTabProps) {
  const canRead = allowed(club, 'meeting.read');
  const list = (when: 'upcoming' | 'past') => (cursor: string | undefined, signal?: AbortSignal) =>
    canRead ? get(`/api/clubs/${club.id}/meetings`, meetingPage, { signal, query: { when, limit: PER_PAGE, cursor } }) : Promise.resolve({ items: [], next_cursor: null });
  const upcoming = usePaged(list('upcoming'), [club.id, canRead]);
  const past = usePaged(list('past'), [club.id, canRead]);
  useContentLive(club.id, ['meeting'], () => {
    upcoming.reload();
    past.reload();
  });
  if (!canRead) return <Empty>{t('content.meetings.membersOnly')}</Empty>;

  return (
    <div class="content-tab stack">
      <StartMeetingButton club={club} />
      <section aria-labelledby="meetings-upcoming" class="stack">
        <h2 id="meetings-upcoming">{t('content.meetings.upcoming')}</h2>
        {!upcoming.items && upcoming.loading && <Loading />}
        {!upcoming.items && !upcoming.loading && <ErrorMessage error={upcoming.error} onRetry={upcoming.reload} />}
        {upcoming.items &&
          (upcoming.items.length === 0 ? (
            <Empty>{t('content.meetings.noneUpcoming')}</Empty>
          ) : (
            <ul class="list">
              {upcoming.items.map((meeting) => (
                <li key={meeting.id} class="content-meeting-row">
                  <div>
                    <h3 class="content-meeting-title">{meeting.title}</h3>
                    <p class="small muted cluster">
                      {meeting.status === 'live' ? <span class="badge">{t('content.meetings.live')}</span> : <span class="tag">{t('content.meetings.scheduled')}</span>}
                      {meeting.status === 'live' && meeting.started_at && <span>{t('content.meetings.startedAt', { time: formatTime(meeting.started_at) })}</span>}
                      {meeting.status === 'scheduled' && meeting.scheduled_at && <time dateTime={meeting.scheduled_at}>{formatDateTime(meeting.scheduled_at)}</time>}
                    </p>
                  </div>
                  {meeting.status === 'live' && (
                    <a class="btn btn-primary" href={`/meetings/${meeting.id}`} onClick={onLinkClick} aria-label={t('content.meetings.joinNamed', { title: meeting.title })}>
                      {t('content.meetings.join')}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          ))}
        {upcoming.items && <ShowMore paged={upcoming} />}
      </section>
      <section aria-labelledby="meetings-past" class="stack">
        <h2 id="meetings-past">{t('content.meetings.past')}</h2>
        {!past.items && past.loading && <Loading />}
        {!past.items && !past.loading && <ErrorMessage error={past.error} onRetry={past.reload} />}
        {past.items &&
          (past.items.length === 0 ? (
            <Empty>{t('content.meetings.nonePast')}</Empty>
          ) : (
            <ul class="list">
              {past.items.map((meeting) => (
                <PastMeeting key={meeting.id} meeting={meeting} />
              ))}
            </ul>
          ))}
        {past.items && <ShowMore paged={past} />}
      </section>
    </div>
  );
}

function whenOf(meeting: MeetingResponse): string {
  if (meeting.status === 'cancelled') return t('content.meetings.cancelledOn', { date: formatDate(meeting.cancelled_at ?? meeting.updated_at) });
  const start = meeting.started_at ?? meeting.scheduled_at;
  if (!start) return '';
  return meeting.ended_at ? t('content.meetings.span', { start: formatDateTime(start), end: formatTime(meeting.ended_at) }) : formatDateTime(start);
}

function PastMeeting({ meeting }: { meeting: MeetingResponse }) {
  const [open, setOpen] = useState(false);
  const bodyId = `meeting-${meeting.id}-record`;
  const cancelled = meeting.status === 'cancelled';
  return (
    <li class="content-meeting">
      <h3 class="content-meeting-title">
        {cancelled ? (
          meeting.title
        ) : (
          <button type="button" class="content-disclosure" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
            <span aria-hidden="true" class="content-chevron">
              {open ? '▾' : '▸'}
            </span>
            {meeting.title}
          </button>
        )}
      </h3>
      <p class="small muted cluster">
        {cancelled && <span class="tag">{t('content.meetings.cancelled')}</span>}
        <span>{whenOf(meeting)}</span>
        {!cancelled && <span>{meeting.participant_count === 0 ? t('content.meetings.nobody') : tn('content.meetings.participants', meeting.participant_count)}</span>}
      </p>
      {open && (
        <div id={bodyId} class="content-record stack">
          <Participants meetingId={meeting.id} />
          <Summary meetingId={meeting.id} />
          <Minutes meeting={meeting} />
        </div>
      )}
    </li>
  );
}

function Participants({ meetingId }: { meetingId: number }) {
  const detail = useResource((signal) => get(`/api/meetings/${meetingId}`, meetingDetailSchema, { signal }), [meetingId]);
  if (!detail.data && detail.loading) return <Loading />;
  if (!detail.data) return <ErrorMessage error={detail.error} onRetry={detail.reload} />;
  const people = detail.data.participants;
  // The meeting's line already says nobody came.
  if (people.length === 0) return null;
  return (
    <section aria-labelledby={`meeting-${meetingId}-people`}>
      <h4 id={`meeting-${meetingId}-people`}>{t('content.meetings.whoCame')}</h4>
      <ul class="cluster content-people">
        {people.map((person) => (
          <li key={person.user.id} class="tag">
            {displayName(person.user)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The minutes as Markdown text, from the notes export; a download of the same text. */
function Minutes({ meeting }: { meeting: MeetingResponse }) {
  const minutes = useResource((signal) => getText(`/api/collab/meeting.${meeting.id}/export`, { format: 'md' }, signal), [meeting.id]);
  const text = minutes.data?.trim() ?? '';
  const href = useMemo(() => (text ? URL.createObjectURL(new Blob([text + '\n'], { type: 'text/markdown' })) : null), [text]);
  useEffect(() => () => {
    if (href) URL.revokeObjectURL(href);
  }, [href]);
  const headingId = `meeting-${meeting.id}-minutes`;
  return (
    <section aria-labelledby={headingId}>
      <div class="content-head">
        <h4 id={headingId}>{t('content.meetings.minutes')}</h4>
        {href && (
          <a class="btn btn-small" href={href} download={`meeting-${meeting.id}.md`}>
            {t('content.meetings.download')}
          </a>
        )}
      </div>
      {!minutes.data && minutes.loading && <Loading />}
      {minutes.data === undefined && !minutes.loading && <ErrorMessage error={minutes.error} onRetry={minutes.reload} />}
      {minutes.data !== undefined &&
        (text ? (
          <pre class="content-minutes" tabIndex={0} aria-label={t('content.meetings.minutesText', { title: meeting.title })}>
            {text}
          </pre>
        ) : (
          <p class="small muted">{t('content.meetings.noMinutes')}</p>
        ))}
    </section>
  );
}

function Summary({ meetingId }: { meetingId: number }) {
  const summary = useResource(async (signal) => {
    try {
      return await get(`/api/meetings/${meetingId}/summary`, summaryResponseSchema, { signal });
    } catch (err) {
      // No summary was asked for: not a failure, just nothing to show.
      if (err instanceof ApiError && err.code === 'not_found') return null;
      throw err;
    }
  }, [meetingId]);
  const headingId = `meeting-${meetingId}-summary`;
  let body;
  if (summary.data === undefined) body = summary.loading ? <Loading /> : <ErrorMessage error={summary.error} onRetry={summary.reload} />;
  else if (summary.data === null) body = <p class="small muted">{t('content.meetings.noSummary')}</p>;
  else if (summary.data.summary) body = <SummaryBody content={summary.data.summary} />;
  else if (summary.data.status === 'failed') body = <p class="small muted">{t('content.meetings.summaryFailed')}</p>;
  else body = <p class="small muted">{t('content.meetings.summaryPending')}</p>;
  return (
    <section aria-labelledby={headingId}>
      <h4 id={headingId}>{t('content.meetings.summary')}</h4>
      {body}
    </section>
  );
}

const SECTIONS: Array<{ key: 'key_points' | 'decisions' | 'open_questions'; title: MessageKey }> = [
  { key: 'key_points', title: 'content.meetings.keyPoints' },
  { key: 'decisions', title: 'content.meetings.decisions' },
  { key: 'open_questions', title: 'content.meetings.openQuestions' },
];

function SummaryBody({ content }: { content: SummaryContent }) {
  const empty = SECTIONS.every(({ key }) => content[key].length === 0) && content.action_items.length === 0;
  if (empty) return <p class="small muted">{t('content.meetings.summaryEmpty')}</p>;
  return (
    <div class="content-summary-body">
      {SECTIONS.map(({ key, title }) =>
        content[key].length === 0 ? null : (
          <div key={key}>
            <h5>{t(title)}</h5>
            <ul class="content-points">
              {content[key].map((item, i) => (
                <li key={i}>
                  <p>{item.text}</p>
                  <Citations item={item} shown={item.text} />
                </li>
              ))}
            </ul>
          </div>
        ),
      )}
      {content.action_items.length > 0 && (
        <div>
          <h5>{t('content.meetings.actionItems')}</h5>
          <ul class="content-points">
            {content.action_items.map((item, i) => (
              <li key={i}>
                <p>
                  <strong>{item.who ? item.who.name : t('content.meetings.everyone')}</strong>: {item.what}
                  {item.by_when && <span class="muted"> · {t('content.meetings.byWhen', { when: item.by_when })}</span>}
                </p>
                <Citations item={item} shown={item.what} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function sourceOf(citation: Citation): string {
  if (citation.kind === 'paragraph') return t('content.meetings.fromMinutes', { paragraph: citation.paragraph + 1 });
  return t('content.meetings.fromTranscript', { name: citation.speaker_name ?? t('content.meetings.unknownSpeaker'), at: clock(citation.start_ms) });
}

/** `shown`: the words the item shows, so a quote that only repeats them is left out. */
function Citations({ item, shown }: { item: SummaryItem; shown: string }) {
  return (
    <ul class="content-citations small" aria-label={t('content.meetings.sources')}>
      {item.citations.map((citation, i) => (
        <li key={i}>
          {/* An extractive summary often quotes its item word for word: the source is then enough. */}
          {citation.quote.trim() !== shown.trim() && <blockquote>{citation.quote}</blockquote>}
          <cite class="muted">{sourceOf(citation)}</cite>
        </li>
      ))}
    </ul>
  );
}
