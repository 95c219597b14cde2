// A reader's own logs and reading days (/api/me/…), and a club's view of its members' logs.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import {
  clubReadingLogQuerySchema,
  clubReadingLogResponseSchema,
  readingDayCreateSchema,
  readingDayResponseSchema,
  readingLogCreateSchema,
  readingLogResponseSchema,
  readingLogUpdateSchema,
  utcDay,
} from '../../shared/protocol/books.js';
import { pageQuerySchema, pageSchema } from '../../shared/protocol/common.js';
import type { Api } from '../http/api.js';
import { clubReadingLogs } from './club-reading-logs.js';
import { readingStreak, recordReadingDay } from './reading-days.js';
import type { ReadingLogs } from './reading-logs.js';

export function readingLogRoutes(api: Api, logs: ReadingLogs, db: Kysely<Database>): void {
  api.authed('post', '/me/reading-logs', { access: 'self', summary: 'Start a log for a book (one per book); a rating counts into its average', body: readingLogCreateSchema, response: readingLogResponseSchema }, ({ userId, body }) =>
    logs.create(userId, body),
  );
  api.authed('get', '/me/reading-logs', { access: 'self', summary: 'Your reading logs, newest first', query: pageQuerySchema, response: pageSchema(readingLogResponseSchema) }, ({ userId, query }) =>
    logs.list(userId, query),
  );
  api.authed('get', '/me/reading-logs/:logId', { access: 'self', summary: 'One of your reading logs', response: readingLogResponseSchema }, ({ userId, id }) => logs.get(userId, id('logId')));
  api.authed('patch', '/me/reading-logs/:logId', { access: 'self', summary: 'Change a reading log; new progress also records today as a reading day', body: readingLogUpdateSchema, response: readingLogResponseSchema }, ({ userId, body, id }) =>
    logs.update(userId, id('logId'), body),
  );
  api.authed('delete', '/me/reading-logs/:logId', { access: 'self', summary: 'Delete a reading log (its rating leaves the average)' }, async ({ userId, id }) => {
    await logs.remove(userId, id('logId'));
  });

  api.authed('post', '/me/reading-days', { access: 'self', summary: 'Record a day of reading (again on the same day adds minutes); answers with the streak', body: readingDayCreateSchema, response: readingDayResponseSchema }, async ({ userId, body, status }) => {
    const day = body.day ?? utcDay();
    const { minutes, created } = await recordReadingDay(db, userId, day, body.minutes);
    if (!created) status(200);
    return { day, minutes, streak: await readingStreak(db, userId) };
  });

  api.club('get', '/clubs/:clubId/reading-logs', 'reading_log.read', { summary: "Members' progress in the books of the reading list", query: clubReadingLogQuerySchema, response: pageSchema(clubReadingLogResponseSchema) }, ({ access, query }) =>
    clubReadingLogs(db, access.club.id, query),
  );
}
