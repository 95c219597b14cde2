// POST/GET /api/meetings/:meetingId/summary, and the per-member inbox that tells members what
// they missed.
import { sql } from 'kysely';
import { AppError } from '../../shared/errors.js';
import { okSchema, pageQuerySchema, pageSchema } from '../../shared/protocol/common.js';
import { inboxItemSchema, summaryResponseSchema, type InboxItem } from '../../shared/protocol/intelligence.js';
import type { FeatureDeps } from '../features.js';
import { Api } from '../http/api.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { authorizeMeeting } from '../transcripts/meeting-access.js';
import type { SummaryService } from './service.js';

export function summaryRoutes(deps: FeatureDeps, summaries: SummaryService): Api {
  const api = new Api(deps, '/api', 'Summaries');
  const { gate } = deps;
  const { db } = deps;

  api.authed('post', '/meetings/:meetingId/summary', { access: { meeting: 'summary.create' }, summary: 'Summarise the meeting from its transcript and minutes, as a job (needs summary.create)', response: summaryResponseSchema, status: 202 }, async ({ userId, id }) => {
    const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'summary.create');
    return summaries.request(meeting.id, userId);
  });
  api.authed('get', '/meetings/:meetingId/summary', { access: { meeting: 'summary.read' }, summary: "The meeting's summary and its job's state (needs summary.read)", response: summaryResponseSchema }, async ({ userId, id }) => {
    const meeting = await authorizeMeeting(db, gate, id('meetingId'), userId, 'summary.read');
    return summaries.get(meeting.id);
  });

  api.authed('get', '/me/inbox', { access: 'self', summary: 'Your inbox ("what you missed" and the like), newest first', query: pageQuerySchema, response: pageSchema(inboxItemSchema) }, async ({ userId, query }) => {
    const after = decodeCursor(query.cursor, [cursorPart.id] as const);
    let q = db.selectFrom('inbox_items').selectAll().where('user_id', '=', userId);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], (r): InboxItem => ({
      id: r.id,
      kind: r.kind,
      club_id: r.club_id,
      meeting_id: r.meeting_id,
      payload: (r.payload ?? {}) as Record<string, unknown>,
      created_at: r.created_at.toISOString(),
      read_at: r.read_at?.toISOString() ?? null,
    }));
  });
  api.authed('post', '/me/inbox/:itemId/read', { access: 'self', summary: 'Marks an inbox item read', response: okSchema, status: 200 }, async ({ userId, id }) => {
    const result = await db.updateTable('inbox_items').set({ read_at: sql<Date>`coalesce(read_at, now())` }).where('id', '=', id('itemId')).where('user_id', '=', userId).executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new AppError('not_found', 'No such inbox item');
    return { ok: true as const };
  });
  return api;
}
