// A reader's own logs: one per book, with progress, dates, a rating and a review. Ratings
// are summed into the book's row in the same transaction as the log, so the average shown
// on a book never disagrees with the logs behind it.
import { sql, type Kysely, type Transaction } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { can } from '../../shared/permissions.js';
import { utcDay, type ReadingLogCreate, type ReadingLogResponse, type ReadingLogUpdate } from '../../shared/protocol/books.js';
import type { Page, PageQuery } from '../../shared/protocol/common.js';
import type { ClubAccessResolver } from '../clubs/access.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { bookFrom, booksById } from './book-view.js';
import { recordReadingDay } from './reading-days.js';

type Db = Kysely<Database> | Transaction<Database>;

const LOG_COLUMNS = ['id', 'book_id', 'club_id', 'started_at', 'finished_at', 'progress', 'rating', 'review', 'created_at', 'updated_at'] as const;

type LogRow = {
  id: number;
  book_id: number;
  club_id: number | null;
  started_at: string | null;
  finished_at: string | null;
  progress: number;
  rating: number | null;
  review: string | null;
  created_at: Date;
  updated_at: Date;
};

async function toLogs(db: Db, rows: LogRow[]): Promise<ReadingLogResponse[]> {
  const books = await booksById(db, rows.map((r) => r.book_id));
  return rows.map(({ book_id, created_at, updated_at, ...log }) => ({
    ...log,
    book: bookFrom(books, book_id),
    created_at: created_at.toISOString(),
    updated_at: updated_at.toISOString(),
  }));
}

/** Moves a book's rating totals from one rating of a log to another (null: not rated). */
async function moveRating(trx: Transaction<Database>, bookId: number, from: number | null, to: number | null): Promise<void> {
  if (from === to) return;
  const sum = (to ?? 0) - (from ?? 0);
  const count = Number(to !== null) - Number(from !== null);
  await trx
    .updateTable('books')
    .set({ rating_sum: sql`rating_sum + ${sum}`, rating_count: sql`rating_count + ${count}` })
    .where('id', '=', bookId)
    .execute();
}

function logNotFound(): AppError {
  return new AppError('not_found', 'Reading log not found');
}

export class ReadingLogs {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clubs: ClubAccessResolver,
  ) {}

  /** A log may name a club only where its reader is a member. */
  private async checkClub(clubId: number | null | undefined, userId: number): Promise<void> {
    if (clubId === null || clubId === undefined) return;
    const access = await this.clubs.resolve(clubId, userId);
    if (!access || !can(access.role, 'reading_log.write', access.club)) {
      throw new AppError('validation_failed', 'Invalid request: club_id: is not a club you belong to', [{ path: 'club_id', message: 'is not a club you belong to' }]);
    }
  }

  private async one(db: Db, userId: number, logId: number): Promise<ReadingLogResponse> {
    const row = await db.selectFrom('reading_logs').select(LOG_COLUMNS).where('id', '=', logId).where('user_id', '=', userId).executeTakeFirst();
    if (!row) throw logNotFound();
    return (await toLogs(db, [row]))[0] as ReadingLogResponse;
  }

  async get(userId: number, logId: number): Promise<ReadingLogResponse> {
    return this.one(this.db, userId, logId);
  }

  async list(userId: number, query: PageQuery): Promise<Page<ReadingLogResponse>> {
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    let q = this.db.selectFrom('reading_logs').select(LOG_COLUMNS).where('user_id', '=', userId);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    const page = pageOf(rows, query.limit, (r) => [r.id], (r) => r);
    return { items: await toLogs(this.db, page.items), next_cursor: page.next_cursor };
  }

  async create(userId: number, input: ReadingLogCreate): Promise<ReadingLogResponse> {
    await this.checkClub(input.club_id, userId);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const book = await trx.selectFrom('books').select('id').where('id', '=', input.book_id).executeTakeFirst();
        if (!book) throw new AppError('validation_failed', 'Invalid request: book_id: no such book', [{ path: 'book_id', message: 'no such book' }]);
        const existing = await trx.selectFrom('reading_logs').select('id').where('user_id', '=', userId).where('book_id', '=', input.book_id).executeTakeFirst();
        if (existing) throw new AppError('conflict', 'You already keep a log for this book; change that one', { log_id: existing.id });
        const now = new Date();
        const { id } = await trx
          .insertInto('reading_logs')
          .values({ ...input, user_id: userId, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        await moveRating(trx, input.book_id, null, input.rating ?? null);
        if (input.progress !== undefined && input.progress > 0) await recordReadingDay(trx, userId, utcDay(), 0);
        return this.one(trx, userId, id);
      });
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'reading_logs_user_book') throw new AppError('conflict', 'You already keep a log for this book; change that one');
      throw err;
    }
  }

  async update(userId: number, logId: number, input: ReadingLogUpdate): Promise<ReadingLogResponse> {
    await this.checkClub(input.club_id, userId);
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('reading_logs')
        .select(['book_id', 'started_at', 'finished_at', 'progress', 'rating'])
        .where('id', '=', logId)
        .where('user_id', '=', userId)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw logNotFound();
      const started = input.started_at === undefined ? current.started_at : input.started_at;
      const finished = input.finished_at === undefined ? current.finished_at : input.finished_at;
      if (started && finished && finished < started) {
        const path = input.finished_at === undefined ? 'started_at' : 'finished_at';
        const message = path === 'finished_at' ? 'is before started_at' : 'is after finished_at';
        throw new AppError('validation_failed', `Invalid request: ${path}: ${message}`, [{ path, message }]);
      }
      await trx.updateTable('reading_logs').set({ ...input, updated_at: new Date() }).where('id', '=', logId).execute();
      if (input.rating !== undefined) await moveRating(trx, current.book_id, current.rating, input.rating);
      // Moving the bookmark is reading: the day counts toward the streak.
      if (input.progress !== undefined && input.progress !== current.progress) await recordReadingDay(trx, userId, utcDay(), 0);
      return this.one(trx, userId, logId);
    });
  }

  async remove(userId: number, logId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const removed = await trx.deleteFrom('reading_logs').where('id', '=', logId).where('user_id', '=', userId).returning(['book_id', 'rating']).executeTakeFirst();
      if (!removed) throw logNotFound();
      await moveRating(trx, removed.book_id, removed.rating, null);
    });
  }
}
