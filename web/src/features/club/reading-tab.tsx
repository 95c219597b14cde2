// The club's reading list (reading now, up next, read) with where each member is in each book;
// a member logs their own progress here, in percent or by page.
import { useState } from 'preact/hooks';
import { z } from 'zod';
import {
  clubReadingLogResponseSchema,
  readingListItemResponseSchema,
  readingLogCreateSchema,
  readingLogResponseSchema,
  readingLogUpdateSchema,
  type ClubReadingLogResponse,
  type ReadingListItemResponse,
} from '../../../../shared/protocol/books.js';
import { pageSchema } from '../../../../shared/protocol/common.js';
import { ApiError } from '../../api/errors.js';
import { get, send } from '../../api/http.js';
import { formatNumber, t } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';
import { Field } from '../../ui/field.js';
import { Empty, ErrorMessage, Loading } from '../../ui/status.js';
import { useResource } from '../../ui/use-resource.js';
import { allowed, myId, allPages, useContentLive, formatDay, todayUtc, useAction } from './content-common.js';
import './content-tabs.css';
import type { ClubTabProps } from './tabs.js';
import { displayName } from '../../live/me.js';

const listSchema = z.object({ items: z.array(readingListItemResponseSchema) });
const clubLogsPage = pageSchema(clubReadingLogResponseSchema);
const myLogsPage = pageSchema(readingLogResponseSchema);

type Stage = 'current' | 'next' | 'done';
const STAGES: Stage[] = ['current', 'next', 'done'];
const STAGE_TITLE = { current: 'content.reading.current', next: 'content.reading.next', done: 'content.reading.done' } as const;

/** The list has no status of its own: a book whose target date has passed is read, the first one after it is being read. */
function stageOf(items: ReadingListItemResponse[], today: string): Map<number, Stage> {
  const stages = new Map<number, Stage>();
  let current = false;
  for (const item of items) {
    if (item.target_date !== null && item.target_date < today) stages.set(item.id, 'done');
    else if (!current) {
      stages.set(item.id, 'current');
      current = true;
    } else stages.set(item.id, 'next');
  }
  return stages;
}

export default function ReadingTab({ club }: ClubTabProps) {
  const seesLogs = allowed(club, 'reading_log.read');
  const canLog = allowed(club, 'reading_log.write');
  const reading = useResource(
    async (signal) => {
      const [list, logs] = await Promise.all([
        get(`/api/clubs/${club.id}/reading-list`, listSchema, { signal }),
        seesLogs ? allPages((cursor) => get(`/api/clubs/${club.id}/reading-logs`, clubLogsPage, { signal, query: { limit: 100, cursor } })) : Promise.resolve({ items: [], more: false }),
      ]);
      return { items: list.items, logs: logs.items };
    },
    [club.id, seesLogs],
  );
  useContentLive(club.id, ['reading_list', 'book'], reading.reload);

  if (!reading.data && reading.loading) return <Loading />;
  if (!reading.data) return <ErrorMessage error={reading.error} onRetry={reading.reload} />;
  const { items, logs } = reading.data;
  if (items.length === 0) {
    return (
      <section class="content-tab" aria-labelledby="reading-empty">
        <h2 id="reading-empty">{t('content.reading.title')}</h2>
        <Empty>{t('content.reading.empty')}</Empty>
      </section>
    );
  }
  const stages = stageOf(items, todayUtc());
  return (
    <div class="content-tab">
      {STAGES.map((stage) => {
        const books = items.filter((item) => stages.get(item.id) === stage);
        if (books.length === 0) return null;
        return (
          <section key={stage} aria-labelledby={`reading-${stage}`} class="stack">
            <h2 id={`reading-${stage}`}>{t(STAGE_TITLE[stage])}</h2>
            {books.map((item) => (
              <BookCard
                key={item.id}
                clubId={club.id}
                item={item}
                logs={logs.filter((log) => log.reading_list_item_id === item.id)}
                seesLogs={seesLogs}
                canLog={canLog}
                onSaved={reading.reload}
              />
            ))}
          </section>
        );
      })}
    </div>
  );
}

function BookCard({ clubId, item, logs, seesLogs, canLog, onSaved }: { clubId: number; item: ReadingListItemResponse; logs: ClubReadingLogResponse[]; seesLogs: boolean; canLog: boolean; onSaved: () => void }) {
  const viewerId = myId();
  const mine = logs.find((log) => log.user.id === viewerId);
  const sorted = [...logs].sort((a, b) => b.progress - a.progress || displayName(a.user).localeCompare(displayName(b.user)));
  const { book } = item;
  return (
    <article class="card content-book" aria-labelledby={`book-${item.id}`}>
      <div class="content-book-head">
        {book.cover_url ? <img class="content-cover" src={book.cover_url} alt="" width={64} height={96} loading="lazy" /> : <div class="content-cover content-cover-blank" aria-hidden="true" />}
        <div>
          <h3 id={`book-${item.id}`}>{book.title}</h3>
          <p class="muted">{book.author}</p>
          <p class="cluster small">
            {item.chapters && <span class="tag">{t('content.reading.chapters', { chapters: item.chapters })}</span>}
            {item.pages && <span class="tag">{t('content.reading.pages', { pages: item.pages })}</span>}
            {item.target_date && <span class="tag">{t('content.reading.target', { date: formatDay(item.target_date) })}</span>}
          </p>
        </div>
      </div>
      {seesLogs && (
        <div class="content-progress-list">
          <h4 class="small muted">{t('content.reading.progressTitle')}</h4>
          {sorted.length === 0 ? (
            <p class="small muted">{t('content.reading.noProgress')}</p>
          ) : (
            <ul class="list">
              {sorted.map((log) => (
                <MemberProgress key={log.id} log={log} isMe={log.user.id === viewerId} />
              ))}
            </ul>
          )}
        </div>
      )}
      {canLog && <ProgressForm clubId={clubId} item={item} mine={mine} onSaved={onSaved} />}
    </article>
  );
}

function MemberProgress({ log, isMe }: { log: ClubReadingLogResponse; isMe: boolean }) {
  const name = isMe ? t('content.reading.you', { name: displayName(log.user) }) : displayName(log.user);
  const done = log.finished_at !== null || log.progress >= 100;
  return (
    <li class="content-progress">
      <span class="content-progress-name">{name}</span>
      <progress class="progress" max={100} value={log.progress} aria-label={t('content.reading.progressOf', { name: displayName(log.user), percent: log.progress })} />
      <span class="small content-progress-value">
        {done && log.finished_at ? t('content.reading.finishedOn', { date: formatDay(log.finished_at) }) : t('content.percent', { percent: log.progress })}
      </span>
    </li>
  );
}

type Mode = 'percent' | 'page';

/** Saves the viewer's own log of this book: changes it when there is one, starts it otherwise. */
async function saveProgress(clubId: number, item: ReadingListItemResponse, mine: ClubReadingLogResponse | undefined, progress: number): Promise<void> {
  const today = todayUtc();
  const finished = progress === 100 ? today : undefined;
  let logId = mine?.id;
  if (logId === undefined) {
    try {
      await send('post', '/api/me/reading-logs', readingLogCreateSchema, { book_id: item.book.id, club_id: clubId, progress, started_at: today, finished_at: finished }, readingLogResponseSchema);
      return;
    } catch (err) {
      // A log of this book kept outside the club's view (e.g. started before joining): change that one.
      if (!(err instanceof ApiError && err.code === 'conflict')) throw err;
      const all = await allPages((cursor) => get('/api/me/reading-logs', myLogsPage, { query: { limit: 100, cursor } }));
      logId = all.items.find((log) => log.book.id === item.book.id)?.id;
      if (logId === undefined) throw err;
    }
  }
  // Finishing records the day (unless the log starts later than today, which the server would refuse); going back reopens it.
  const startsLater = mine?.started_at != null && mine.started_at > today;
  let finishedAt: string | null | undefined;
  if (finished && !mine?.finished_at && !startsLater) finishedAt = finished;
  else if (progress < 100 && mine?.finished_at) finishedAt = null;
  await send(
    'patch',
    `/api/me/reading-logs/${logId}`,
    readingLogUpdateSchema,
    { progress, finished_at: finishedAt },
    readingLogResponseSchema,
  );
}

function ProgressForm({ clubId, item, mine, onSaved }: { clubId: number; item: ReadingListItemResponse; mine: ClubReadingLogResponse | undefined; onSaved: () => void }) {
  const [mode, setMode] = useState<Mode>('percent');
  const [percent, setPercent] = useState(mine ? String(mine.progress) : '');
  const [page, setPage] = useState('');
  const [total, setTotal] = useState('');
  const [problem, setProblem] = useState<{ field: 'percent' | 'page' | 'total'; text: string } | null>(null);
  const [state, run] = useAction();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setProblem(null);
    let progress: number;
    if (mode === 'percent') {
      progress = Number(percent);
      if (percent.trim() === '' || !Number.isInteger(progress) || progress < 0 || progress > 100) return setProblem({ field: 'percent', text: t('content.reading.percentInvalid') });
    } else {
      const read = Number(page);
      const of = Number(total);
      if (total.trim() === '' || !Number.isInteger(of) || of < 1) return setProblem({ field: 'total', text: t('content.reading.totalInvalid') });
      if (page.trim() === '' || !Number.isInteger(read) || read < 0 || read > of) return setProblem({ field: 'page', text: t('content.reading.pageInvalid', { total: of }) });
      progress = Math.round((read / of) * 100);
    }
    const saved = await run(() => saveProgress(clubId, item, mine, progress));
    if (saved) {
      setPercent(String(progress));
      onSaved();
    }
  };

  const pending = state.kind === 'pending';
  return (
    <form class="content-progress-form" noValidate onSubmit={(event) => void onSubmit(event)} aria-label={t('content.reading.logFor', { title: item.book.title })}>
      <fieldset class="content-mode">
        <legend class="small">{t('content.reading.logBy')}</legend>
        {(['percent', 'page'] as const).map((value) => (
          <label key={value} class="content-radio">
            <input type="radio" name={`mode-${item.id}`} value={value} checked={mode === value} onChange={() => setMode(value)} />
            {t(value === 'percent' ? 'content.reading.byPercent' : 'content.reading.byPage')}
          </label>
        ))}
      </fieldset>
      <div class="content-progress-fields">
        {mode === 'percent' ? (
          <Field label={t('content.reading.percent')} type="number" min={0} max={100} value={percent} onValue={setPercent} error={problem?.field === 'percent' ? problem.text : null} />
        ) : (
          <>
            <Field label={t('content.reading.page')} type="number" min={0} value={page} onValue={setPage} error={problem?.field === 'page' ? problem.text : null} />
            <Field label={t('content.reading.totalPages')} type="number" min={1} value={total} onValue={setTotal} error={problem?.field === 'total' ? problem.text : null} />
          </>
        )}
        <button type="submit" class="btn btn-primary" disabled={pending} aria-busy={pending}>
          {pending ? t('content.saving') : t('content.reading.save')}
        </button>
      </div>
      <div aria-live="polite" class="small">
        {state.kind === 'done' && <p class="content-ok">{t('content.reading.saved', { percent: formatNumber(Number(percent)) })}</p>}
      </div>
      {state.kind === 'failed' && (
        <p class="field-error" role="alert">
          {errorWords(state.error)}
        </p>
      )}
    </form>
  );
}
