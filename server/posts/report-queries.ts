// How reports are read with what they point at, and shaped for the moderation queue.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ReportResponse } from '../../shared/protocol/posts.js';

type Db = Kysely<Database> | Transaction<Database>;

/** How much of a comment a report keeps (the reports.excerpt CHECK allows this much). */
export const EXCERPT_CHARS = 200;

export function reportsWithTargets(db: Db) {
  return db
    .selectFrom('reports')
    .innerJoin('users as reporter', 'reporter.id', 'reports.reporter_id')
    .leftJoin('posts', 'posts.id', 'reports.post_id')
    .leftJoin('post_comments', 'post_comments.id', 'reports.comment_id')
    .leftJoin('users as reported', 'reported.id', 'reports.user_id')
    .select([
      'reports.id',
      'reports.club_id',
      'reports.reporter_id',
      'reporter.username as reporter_username',
      'reports.post_id',
      'reports.comment_id',
      'reports.user_id',
      'reports.excerpt',
      'posts.deleted_at as post_deleted_at',
      'post_comments.post_id as comment_post_id',
      'post_comments.deleted_at as comment_deleted_at',
      'reported.username as reported_username',
      'reports.reason',
      'reports.detail',
      'reports.status',
      'reports.resolution',
      'reports.resolved_at',
      'reports.created_at',
    ]);
}

type ReportRow = Awaited<ReturnType<ReturnType<typeof reportsWithTargets>['executeTakeFirstOrThrow']>>;

// Content excerpts are the ones stored at report time: the live text may have been edited
// since, and the reporter may no longer be allowed to read it (GET /api/reports/mine).
function targetOf(row: ReportRow): ReportResponse['target'] {
  if (row.post_id !== null) {
    return { kind: 'post', id: row.post_id, post_id: row.post_id, excerpt: row.excerpt, removed: row.post_deleted_at !== null };
  }
  if (row.comment_id !== null) {
    return { kind: 'comment', id: row.comment_id, post_id: row.comment_post_id, excerpt: row.excerpt, removed: row.comment_deleted_at !== null };
  }
  // The CHECK on reports guarantees user_id here.
  return { kind: 'user', id: row.user_id ?? 0, post_id: null, excerpt: row.reported_username ?? '', removed: false };
}

export function toReport(row: ReportRow): ReportResponse {
  return {
    id: row.id,
    club_id: row.club_id,
    reporter: { id: row.reporter_id, username: row.reporter_username },
    target: targetOf(row),
    reason: row.reason,
    detail: row.detail,
    status: row.status,
    resolution: row.resolution,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
