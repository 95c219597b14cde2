// Overview: what the club is (summary, detail, goal, keywords), when it meets (the schedule in
// words, the next dates in the viewer's own zone, a calendar file and a member's subscription
// address), its notices and its rules.
import { useState } from 'preact/hooks';
import { can } from '../../../../shared/permissions.js';
import { noticeListSchema, ruleListSchema } from '../../../../shared/protocol/content.js';
import { occurrenceListSchema } from '../../../../shared/protocol/discovery.js';
import { fetchApi, get } from '../../api/http.js';
import { formatDate, t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { notify } from '../../ui/toast.js';
import { useResource } from '../../ui/use-resource.js';
import { CalendarSubscribe } from './calendar-subscribe.js';
import { scheduleWords } from './club-words.js';
import type { ClubTabProps } from './tabs.js';
import './club.css';

const NEXT_DATES = 4;

function nextDateWords(iso: string): string {
  return formatDate(iso, { weekday: 'long', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/** The .ics needs the access token, so it is fetched here and handed to the browser as a file. */
async function downloadCalendar(clubId: number): Promise<void> {
  const response = await fetchApi('get', `/api/clubs/${clubId}/calendar.ics`, undefined, false);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `club-${clubId}.ics`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Schedule({ club }: ClubTabProps) {
  const next = useResource(
    (signal) => (club.schedule ? get(`/api/clubs/${club.id}/schedule/next`, occurrenceListSchema, { signal, query: { count: NEXT_DATES } }) : Promise.resolve({ items: [] })),
    [club.id, club.updated_at],
  );
  const [pending, setPending] = useState(false);
  const onCalendar = async () => {
    setPending(true);
    try {
      await downloadCalendar(club.id);
    } catch (err) {
      notify(errorWords(err), 'error');
    } finally {
      setPending(false);
    }
  };
  return (
    <section class="card" aria-labelledby="overview-schedule">
      <h2 id="overview-schedule">{t('club.overview.schedule')}</h2>
      {club.schedule ? (
        <>
          <p>{scheduleWords(club.schedule)}</p>
          <h3 class="small">{t('club.overview.nextDates')}</h3>
          {next.loading && !next.data && <Loading />}
          {next.error && <ErrorMessage error={next.error} onRetry={next.reload} />}
          {next.data &&
            (next.data.items.length === 0 ? (
              <p class="muted">{t('club.overview.noNextDates')}</p>
            ) : (
              <ul class="overview-dates">
                {next.data.items.map((item) => (
                  <li key={item.starts_at}>
                    <time dateTime={item.starts_at}>{nextDateWords(item.starts_at)}</time>
                  </li>
                ))}
              </ul>
            ))}
          <div class="stack">
            <button type="button" class="btn btn-small" disabled={pending} aria-busy={pending} onClick={() => void onCalendar()}>
              {pending ? t('club.overview.calendarPending') : t('club.overview.calendar')}
            </button>
            {can(club.me.role, 'calendar.subscribe', club) && <CalendarSubscribe clubId={club.id} />}
          </div>
        </>
      ) : (
        <p class="muted">{t('club.overview.noSchedule')}</p>
      )}
    </section>
  );
}

function Notices({ club }: ClubTabProps) {
  const notices = useResource((signal) => get(`/api/clubs/${club.id}/notices`, noticeListSchema, { signal }), [club.id]);
  return (
    <section class="card" aria-labelledby="overview-notices">
      <h2 id="overview-notices">{t('club.overview.notices')}</h2>
      {notices.loading && !notices.data && <Loading />}
      {notices.error && <ErrorMessage error={notices.error} onRetry={notices.reload} />}
      {notices.data &&
        (notices.data.items.length === 0 ? (
          <Empty>{t('club.overview.noNotices')}</Empty>
        ) : (
          notices.data.items.map((notice) => (
            <article key={notice.id} class="overview-notice">
              <h3>
                {notice.pinned && <span class="badge">{t('club.overview.pinned')}</span>}
                {notice.title}
              </h3>
              {notice.body && <p>{notice.body}</p>}
              <p class="small muted">
                <time dateTime={notice.created_at}>{formatDate(notice.created_at)}</time>
              </p>
            </article>
          ))
        ))}
    </section>
  );
}

function Rules({ club }: ClubTabProps) {
  const rules = useResource((signal) => get(`/api/clubs/${club.id}/rules`, ruleListSchema, { signal }), [club.id]);
  return (
    <section class="card" aria-labelledby="overview-rules">
      <h2 id="overview-rules">{t('club.overview.rules')}</h2>
      {rules.loading && !rules.data && <Loading />}
      {rules.error && <ErrorMessage error={rules.error} onRetry={rules.reload} />}
      {rules.data &&
        (rules.data.items.length === 0 ? (
          <Empty>{t('club.overview.noRules')}</Empty>
        ) : (
          <ol class="overview-rules">
            {rules.data.items.map((rule) => (
              <li key={rule.id}>{rule.text}</li>
            ))}
          </ol>
        ))}
    </section>
  );
}

export default function OverviewTab({ club, reloadClub }: ClubTabProps) {
  const readable = can(club.me.role, 'content.read', club);
  return (
    <div class="overview">
      <div class="overview-main">
        <section class="card" aria-labelledby="overview-about">
          <h2 id="overview-about">{t('club.overview.about')}</h2>
          {club.detail === null ? (
            <p class="muted">{t('club.overview.privateDetail')}</p>
          ) : club.detail.trim() ? (
            <p class="overview-detail prose">{club.detail}</p>
          ) : (
            <p class="muted">{t('club.overview.noDetail')}</p>
          )}
          {club.study?.main_goal && (
            <>
              <h3 class="small">{t('club.overview.goal')}</h3>
              <p>{club.study.main_goal}</p>
            </>
          )}
        </section>
        {readable && <Notices club={club} reloadClub={reloadClub} />}
      </div>
      <div class="overview-side">
        {readable && <Schedule club={club} reloadClub={reloadClub} />}
        {readable && <Rules club={club} reloadClub={reloadClub} />}
        <section class="card" aria-labelledby="overview-keywords">
          <h2 id="overview-keywords">{t('club.overview.keywords')}</h2>
          {club.keywords.length === 0 ? (
            <p class="muted">{t('club.overview.noKeywords')}</p>
          ) : (
            <ul class="cluster list-plain" aria-labelledby="overview-keywords">
              {club.keywords.map((keyword) => (
                <li key={keyword} class="tag">
                  {keyword}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
