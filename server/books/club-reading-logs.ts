// Who in a club is where: members' logs of the books on the club's reading list, in list
// order. Reviews stay private to their reader; progress, dates and ratings are shared with the
// club's members only (reading_log.read), never with outsiders, even of a public club.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ClubReadingLogQuery, ClubReadingLogResponse } from '../../shared/protocol/books.js';
import type { Page } from '../../shared/protocol/common.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';

export async function clubReadingLogs(db: Kysely<Database>, clubId: number, query: ClubReadingLogQuery): Promise<Page<ClubReadingLogResponse>> {
  let q = db
    .selectFrom('club_books')
    .innerJoin('reading_logs', 'reading_logs.book_id', 'club_books.book_id')
    .innerJoin('memberships', (join) => join.onRef('memberships.user_id', '=', 'reading_logs.user_id').onRef('memberships.club_id', '=', 'club_books.club_id'))
    .innerJoin('users', 'users.id', 'reading_logs.user_id')
    .select([
      'reading_logs.id',
      'users.id as user_id',
      'users.username',
      'users.nickname',
      'club_books.id as item_id',
      'club_books.book_id',
      'club_books.position',
      'reading_logs.started_at',
      'reading_logs.finished_at',
      'reading_logs.progress',
      'reading_logs.rating',
      'reading_logs.updated_at',
    ])
    .where('club_books.club_id', '=', clubId)
    .where('memberships.status', '=', 'active');
  if (query.book_id !== undefined) q = q.where('club_books.book_id', '=', query.book_id);
  const after = decodeCursor(query.cursor, [cursorPart.int, cursorPart.id]);
  if (after) {
    const [position, id] = after;
    q = q.where((eb) => eb.or([eb('club_books.position', '>', position), eb.and([eb('club_books.position', '=', position), eb('reading_logs.id', '>', id)])]));
  }
  const rows = await q.orderBy('club_books.position').orderBy('reading_logs.id').limit(query.limit + 1).execute();
  return pageOf(rows, query.limit, (r) => [r.position, r.id], (r) => ({
    id: r.id,
    user: { id: r.user_id, username: r.username, nickname: r.nickname },
    book_id: r.book_id,
    reading_list_item_id: r.item_id,
    started_at: r.started_at,
    finished_at: r.finished_at,
    progress: r.progress,
    rating: r.rating,
    updated_at: r.updated_at.toISOString(),
  }));
}
