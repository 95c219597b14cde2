// Reports: anyone who can see a post or comment may report it (once), and anyone with a tie to
// a club (report.create) may report a person tied to it; the club's moderators work through the
// queue. Reports on community posts have no club: they are kept and shown to their reporter
// until operators get a review endpoint.
import type { Kysely, Transaction } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { ReportAction, ReportCreate, ReportResponse } from '../../shared/protocol/posts.js';
import type { ClubEventPublisher } from '../features.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { ClubGate } from '../clubs/gate.js';
import { liveComments } from './queries.js';
import { EXCERPT_CHARS, reportsWithTargets, toReport } from './report-queries.js';
import type { PostService } from './service.js';

interface ListQuery {
  limit: number;
  cursor?: string;
}

/** The opening of a text, cut between characters (not inside a surrogate pair). */
function excerptOf(text: string): string {
  return Array.from(text).slice(0, EXCERPT_CHARS).join('');
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

  /**
   * The club the report goes to (the post's or comment's, or the one named with a person), and
   * the excerpt to keep of what was reported.
   */
  private async targetOf(reporterId: number, input: ReportCreate): Promise<{ clubId: number | null; excerpt: string }> {
    if (input.post_id !== undefined) {
      const post = await this.posts.readable(input.post_id, reporterId);
      return { clubId: post.club_id, excerpt: excerptOf(post.title) };
    }
    if (input.comment_id !== undefined) {
      const comment = await liveComments(this.db).where('post_comments.id', '=', input.comment_id).executeTakeFirst();
      if (!comment) throw new AppError('not_found', 'Comment not found');
      if (comment.club_id !== null) await this.gate.require(comment.club_id, reporterId, 'post.read');
      return { clubId: comment.club_id, excerpt: excerptOf(comment.content) };
    }
    const { user_id: userId, club_id: clubId } = input;
    // The schema already insists on both; this narrows the types.
    if (userId === undefined || clubId === undefined) throw validationError([{ path: 'club_id', message: 'is required when reporting a person' }]);
    // Reading a public club is not enough: only people with a tie to it report people to it.
    await this.gate.require(clubId, reporterId, 'report.create');
    if (userId === reporterId) throw validationError([{ path: 'user_id', message: 'you cannot report yourself' }]);
    if (!(await this.tiedToClub(userId, clubId))) throw new AppError('not_found', 'User not found');
    return { clubId, excerpt: '' };
  }

  /** The person is or was in the club: a membership (even a ban), a knock, or something they wrote or joined there. */
  private async tiedToClub(userId: number, clubId: number): Promise<boolean> {
    const tied = await this.db
      .selectFrom('users')
      .select('users.id')
      .where('users.id', '=', userId)
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('memberships').select('memberships.user_id').whereRef('memberships.user_id', '=', 'users.id').where('memberships.club_id', '=', clubId)),
          eb.exists(eb.selectFrom('knocks').select('knocks.id').whereRef('knocks.user_id', '=', 'users.id').where('knocks.club_id', '=', clubId)),
          eb.exists(eb.selectFrom('posts').select('posts.id').whereRef('posts.author_id', '=', 'users.id').where('posts.club_id', '=', clubId)),
          eb.exists(
            eb
              .selectFrom('post_comments')
              .innerJoin('posts', 'posts.id', 'post_comments.post_id')
              .select('post_comments.id')
              .whereRef('post_comments.author_id', '=', 'users.id')
              .where('posts.club_id', '=', clubId),
          ),
          eb.exists(
            eb
              .selectFrom('meeting_participants')
              .innerJoin('meetings', 'meetings.id', 'meeting_participants.meeting_id')
              .select('meeting_participants.id')
              .whereRef('meeting_participants.user_id', '=', 'users.id')
              .where('meetings.club_id', '=', clubId),
          ),
        ]),
      )
      .executeTakeFirst();
    return tied !== undefined;
  }

  async create(reporterId: number, input: ReportCreate): Promise<ReportResponse> {
    const { clubId, excerpt } = await this.targetOf(reporterId, input);
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
          excerpt,
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
    if (after) q = q.where('reports.id', '<', after[0]);
    const rows = await q.orderBy('reports.id', 'desc').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], toReport);
  }

  async resolve(clubId: number, reportId: number, moderatorId: number, action: ReportAction): Promise<ReportResponse> {
    const removed = await this.db.transaction().execute(async (trx) => {
      // Resolving one report settles the other open reports on its post or comment, so every
      // resolution locks that content first and its reports after: two moderators working on
      // the same content queue up instead of deadlocking, and the second finds it resolved.
      const target = await trx.selectFrom('reports').select(['post_id', 'comment_id']).where('id', '=', reportId).where('club_id', '=', clubId).executeTakeFirst();
      if (!target) throw new AppError('not_found', 'Report not found');
      // NO KEY UPDATE: what the removal takes anyway; it leaves new comments' foreign keys alone.
      if (target.post_id !== null) await trx.selectFrom('posts').select('id').where('id', '=', target.post_id).forNoKeyUpdate().execute();
      if (target.comment_id !== null) await trx.selectFrom('post_comments').select('id').where('id', '=', target.comment_id).forNoKeyUpdate().execute();
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
      const column = report.post_id !== null ? ('post_id' as const) : ('comment_id' as const);
      await trx
        .updateTable('reports')
        .set({ ...resolved, resolution: 'removed_content' })
        .where((eb) => eb.or([eb('id', '=', reportId), eb.and([eb(column, '=', report[column]), eb('status', '=', 'open')])]))
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
