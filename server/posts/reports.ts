// Reports: anyone who can see a post, comment or club may report it (once); the club's
// moderators work through the queue. Reports on community posts have no club: they are kept
// and shown to their reporter until operators get a review endpoint.
import type { Kysely, Transaction } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { ReportAction, ReportCreate, ReportResponse } from '../../shared/protocol/posts.js';
import type { ClubEventPublisher } from '../features.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { ClubGate } from './club-gate.js';
import { liveComments } from './queries.js';
import { reportsWithTargets, toReport } from './report-queries.js';
import type { PostService } from './service.js';

interface ListQuery {
  limit: number;
  cursor?: string;
}

/** What a resolution removed, to tell the club about once the transaction is committed. */
type Removed = { kind: 'post'; postId: number } | { kind: 'comment'; postId: number; commentId: number } | null;

export class ReportService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly gate: ClubGate,
    private readonly posts: PostService,
    private readonly events: ClubEventPublisher,
  ) {}

  /** The club the report goes to: the post's or comment's, or the one named with a person. */
  private async clubOf(reporterId: number, input: ReportCreate): Promise<number | null> {
    if (input.post_id !== undefined) return (await this.posts.readable(input.post_id, reporterId)).club_id;
    if (input.comment_id !== undefined) {
      const comment = await liveComments(this.db).where('post_comments.id', '=', input.comment_id).executeTakeFirst();
      if (!comment) throw new AppError('not_found', 'Comment not found');
      if (comment.club_id !== null) await this.gate.require(comment.club_id, reporterId, 'post.read');
      return comment.club_id;
    }
    const { user_id: userId, club_id: clubId } = input;
    // The schema already insists on both; this narrows the types.
    if (userId === undefined || clubId === undefined) throw validationError([{ path: 'club_id', message: 'is required when reporting a person' }]);
    await this.gate.require(clubId, reporterId, 'club.read');
    if (userId === reporterId) throw validationError([{ path: 'user_id', message: 'you cannot report yourself' }]);
    const user = await this.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw new AppError('not_found', 'User not found');
    return clubId;
  }

  async create(reporterId: number, input: ReportCreate): Promise<ReportResponse> {
    const clubId = await this.clubOf(reporterId, input);
    let id: number;
    try {
      ({ id } = await this.db
        .insertInto('reports')
        .values({
          reporter_id: reporterId,
          club_id: clubId,
          post_id: input.post_id ?? null,
          comment_id: input.comment_id ?? null,
          user_id: input.user_id ?? null,
          reason: input.reason,
          detail: input.detail,
          created_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    } catch (err) {
      if (uniqueViolation(err)) throw new AppError('conflict', 'You have already reported this');
      throw err;
    }
    return toReport(await reportsWithTargets(this.db).where('reports.id', '=', id).executeTakeFirstOrThrow());
  }

  /** The club's queue, newest first. */
  async queue(clubId: number, query: ListQuery & { status: 'open' | 'resolved' }): Promise<Page<ReportResponse>> {
    return this.page(reportsWithTargets(this.db).where('reports.club_id', '=', clubId).where('reports.status', '=', query.status), query);
  }

  /** Everything the caller reported, newest first. */
  async mine(reporterId: number, query: ListQuery): Promise<Page<ReportResponse>> {
    return this.page(reportsWithTargets(this.db).where('reports.reporter_id', '=', reporterId), query);
  }

  private async page(q: ReturnType<typeof reportsWithTargets>, query: ListQuery): Promise<Page<ReportResponse>> {
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    if (after) q = q.where('reports.id', '<', after[0] as number);
    const rows = await q.orderBy('reports.id', 'desc').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], toReport);
  }

  async resolve(clubId: number, reportId: number, moderatorId: number, action: ReportAction): Promise<ReportResponse> {
    const removed = await this.db.transaction().execute(async (trx) => {
      const report = await trx
        .selectFrom('reports')
        .select(['post_id', 'comment_id', 'user_id', 'status'])
        .where('id', '=', reportId)
        .where('club_id', '=', clubId)
        .forUpdate()
        .executeTakeFirst();
      if (!report) throw new AppError('not_found', 'Report not found');
      if (report.status !== 'open') throw new AppError('conflict', 'This report was already resolved');
      const now = new Date();
      const resolved = { status: 'resolved' as const, resolved_by: moderatorId, resolved_at: now };
      if (action === 'dismiss') {
        await trx.updateTable('reports').set({ ...resolved, resolution: 'dismissed' }).where('id', '=', reportId).execute();
        return null;
      }
      const gone = await this.removeTarget(trx, report, now);
      // Every open report on the same content is settled by its removal.
      const target = report.post_id !== null ? ('post_id' as const) : ('comment_id' as const);
      await trx
        .updateTable('reports')
        .set({ ...resolved, resolution: 'removed_content' })
        .where((eb) => eb.or([eb('id', '=', reportId), eb.and([eb(target, '=', report[target]), eb('status', '=', 'open')])]))
        .execute();
      return gone;
    });
    if (removed?.kind === 'post') {
      await this.events.publish(clubId, moderatorId, { type: 'content.changed', resource: 'post', action: 'deleted', id: removed.postId });
    } else if (removed?.kind === 'comment') {
      await this.events.publish(clubId, moderatorId, { type: 'content.changed', resource: 'post', action: 'updated', id: removed.postId, data: { deleted_comment_id: removed.commentId } });
    }
    return toReport(await reportsWithTargets(this.db).where('reports.id', '=', reportId).executeTakeFirstOrThrow());
  }

  private async removeTarget(trx: Transaction<Database>, report: { post_id: number | null; comment_id: number | null }, now: Date): Promise<Removed> {
    if (report.post_id !== null) {
      const done = await trx.updateTable('posts').set({ deleted_at: now }).where('id', '=', report.post_id).where('deleted_at', 'is', null).executeTakeFirst();
      return Number(done.numUpdatedRows) > 0 ? { kind: 'post', postId: report.post_id } : null;
    }
    if (report.comment_id !== null) {
      const done = await trx
        .updateTable('post_comments')
        .set({ deleted_at: now })
        .where('id', '=', report.comment_id)
        .where('deleted_at', 'is', null)
        .returning('post_id')
        .executeTakeFirst();
      return done ? { kind: 'comment', postId: done.post_id, commentId: report.comment_id } : null;
    }
    throw validationError([{ path: 'action', message: 'a report on a person has no content to remove; dismiss it, or ban the person' }]);
  }
}
