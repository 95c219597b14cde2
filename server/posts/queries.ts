// How posts and comments are read from the database and shaped for responses.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { CommentResponse, PostResponse } from '../../shared/protocol/posts.js';
import { avatarUrl } from '../users/avatar-url.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PostRow {
  id: number;
  club_id: number | null;
  author_id: number;
  author_username: string;
  author_nickname: string | null;
  author_avatar_sha256: string | null;
  title: string;
  content: string;
  comment_count: number | null;
  created_at: Date;
  updated_at: Date;
}

/** Live (not deleted) posts, with their author and how many live comments they have. */
export function livePosts(db: Db) {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.author_id')
    .leftJoin('files as avatar', 'avatar.id', 'users.avatar_file_id')
    .select(['posts.id', 'posts.club_id', 'posts.author_id', 'users.username as author_username', 'users.nickname as author_nickname', 'avatar.sha256 as author_avatar_sha256', 'posts.title', 'posts.content', 'posts.created_at', 'posts.updated_at'])
    .select((eb) =>
      eb
        .selectFrom('post_comments')
        .select((sub) => sub.fn.countAll<number>().as('n'))
        .whereRef('post_comments.post_id', '=', 'posts.id')
        .where('post_comments.deleted_at', 'is', null)
        .as('comment_count'),
    )
    .where('posts.deleted_at', 'is', null);
}

export function toPost(row: PostRow): PostResponse {
  return {
    id: row.id,
    club_id: row.club_id,
    author: { id: row.author_id, username: row.author_username, nickname: row.author_nickname, avatar_url: avatarUrl(row.author_id, row.author_avatar_sha256) },
    title: row.title,
    content: row.content,
    comment_count: Number(row.comment_count ?? 0),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export interface CommentRow {
  id: number;
  post_id: number;
  author_id: number;
  author_username: string;
  author_nickname: string | null;
  author_avatar_sha256: string | null;
  content: string;
  created_at: Date;
}

/** Live comments on live posts; `club_id` is the post's club, for permission checks. */
export function liveComments(db: Db) {
  return db
    .selectFrom('post_comments')
    .innerJoin('posts', 'posts.id', 'post_comments.post_id')
    .innerJoin('users', 'users.id', 'post_comments.author_id')
    .leftJoin('files as avatar', 'avatar.id', 'users.avatar_file_id')
    .select([
      'post_comments.id',
      'post_comments.post_id',
      'posts.club_id',
      'post_comments.author_id',
      'users.username as author_username',
      'users.nickname as author_nickname',
      'avatar.sha256 as author_avatar_sha256',
      'post_comments.content',
      'post_comments.created_at',
    ])
    .where('post_comments.deleted_at', 'is', null)
    .where('posts.deleted_at', 'is', null);
}

export function toComment(row: CommentRow): CommentResponse {
  return {
    id: row.id,
    post_id: row.post_id,
    author: { id: row.author_id, username: row.author_username, nickname: row.author_nickname, avatar_url: avatarUrl(row.author_id, row.author_avatar_sha256) },
    content: row.content,
    created_at: row.created_at.toISOString(),
  };
}
