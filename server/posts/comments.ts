// Comments on posts: read where the post may be read, written where one may post, removed
// (softly) by their author or a moderator of the post's club.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Page, PageQuery } from '../../shared/protocol/common.js';
import type { CommentResponse } from '../../shared/protocol/posts.js';
import type { ClubEventPublisher } from '../features.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { ClubGate } from '../clubs/gate.js';
import { liveComments, toComment } from './queries.js';
import type { PostService } from './service.js';

export class CommentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly gate: ClubGate,
    private readonly posts: PostService,
    private readonly events: ClubEventPublisher,
  ) {}

  async list(postId: number, userId: number, query: PageQuery): Promise<Page<CommentResponse>> {
    await this.posts.readable(postId, userId);
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    let q = liveComments(this.db).where('post_comments.post_id', '=', postId);
    if (after) q = q.where('post_comments.id', '<', after[0]);
    const rows = await q.orderBy('post_comments.id', 'desc').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], toComment);
  }

  async create(postId: number, authorId: number, content: string): Promise<CommentResponse> {
    const post = await this.posts.readable(postId, authorId);
    if (post.club_id !== null) await this.gate.require(post.club_id, authorId, 'post.create');
    // One statement that inserts only while the post is live: it may be deleted meanwhile,
    // and a later read through the post would then find nothing.
    const row = await this.db
      .with('added', (db) =>
        db
          .insertInto('post_comments')
          .columns(['post_id', 'author_id', 'content', 'created_at'])
          .expression((eb) =>
            eb
              .selectFrom('posts')
              .select([eb.val(postId).as('post_id'), eb.val(authorId).as('author_id'), eb.val(content).as('content'), eb.val(new Date()).as('created_at')])
              .where('posts.id', '=', postId)
              .where('posts.deleted_at', 'is', null),
          )
          .returning(['id', 'post_id', 'author_id', 'content', 'created_at']),
      )
      .selectFrom('added')
      .innerJoin('users', 'users.id', 'added.author_id')
      .leftJoin('files as avatar', 'avatar.id', 'users.avatar_file_id')
      .select(['added.id', 'added.post_id', 'added.author_id', 'users.username as author_username', 'users.nickname as author_nickname', 'avatar.sha256 as author_avatar_sha256', 'added.content', 'added.created_at'])
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Post not found');
    const comment = toComment(row);
    if (post.club_id !== null) {
      await this.events.publish(post.club_id, authorId, { type: 'content.changed', resource: 'post', action: 'updated', id: postId, data: { comment } });
    }
    return comment;
  }

  async remove(commentId: number, userId: number): Promise<void> {
    const comment = await liveComments(this.db).where('post_comments.id', '=', commentId).executeTakeFirst();
    if (!comment) throw new AppError('not_found', 'Comment not found');
    const clubId = comment.club_id;
    // Authors may always take their words back; anyone else must moderate the club.
    if (comment.author_id !== userId) {
      if (clubId === null) throw new AppError('forbidden', 'Only its author may delete a comment on a community post');
      await this.gate.require(clubId, userId, 'post.moderate');
    }
    await this.db.updateTable('post_comments').set({ deleted_at: new Date() }).where('id', '=', commentId).where('deleted_at', 'is', null).execute();
    if (clubId !== null) {
      await this.events.publish(clubId, userId, { type: 'content.changed', resource: 'post', action: 'updated', id: comment.post_id, data: { deleted_comment_id: commentId } });
    }
  }
}
