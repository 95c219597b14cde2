// Posts (in a club, or community posts with no club), their comments, and reports.
import type { Generated } from 'kysely';
import type { ReportReason } from '../../shared/protocol/posts.js';
import type { CreatedAt, NullableTimestamp, Timestamp } from './common.js';

export interface PostsTable {
  id: Generated<number>;
  /** null: a community post, outside any club. */
  club_id: number | null;
  author_id: number;
  title: string;
  content: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Soft delete: a deleted post is kept for the moderation record but never shown. */
  deleted_at: NullableTimestamp;
}

export interface PostCommentsTable {
  id: Generated<number>;
  post_id: number;
  author_id: number;
  content: string;
  created_at: CreatedAt;
  deleted_at: NullableTimestamp;
}

export type ReportStatus = 'open' | 'resolved';
export type ReportResolution = 'dismissed' | 'removed_content';

/** Exactly one of post_id, comment_id and user_id is set (a CHECK enforces it). */
export interface ReportsTable {
  id: Generated<number>;
  reporter_id: number;
  /** The club whose moderators review it; null for reports on community posts. */
  club_id: number | null;
  post_id: number | null;
  comment_id: number | null;
  user_id: number | null;
  reason: ReportReason;
  detail: Generated<string>;
  /** A post's title or a comment's opening as the reporter saw it; '' for a person. */
  excerpt: Generated<string>;
  status: Generated<ReportStatus>;
  resolution: ReportResolution | null;
  resolved_by: number | null;
  resolved_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface PostTables {
  posts: PostsTable;
  post_comments: PostCommentsTable;
  reports: ReportsTable;
}
