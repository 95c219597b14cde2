// Posts: club posts and community posts (no club). Deleting is soft: a deleted post keeps its
// row for the moderation record but answers 404 and leaves every list.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Page, PageQuery } from '../../shared/protocol/common.js';
import type { PostCreate, PostResponse, PostUpdate } from '../../shared/protocol/posts.js';
import type { ClubEventPublisher } from '../features.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { ClubGate } from '../clubs/gate.js';
import { livePosts, toPost, type PostRow } from './queries.js';

export class PostService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly gate: ClubGate,
    private readonly events: ClubEventPublisher,
  ) {}

  /** A live post the caller may read: club posts need post.read in their club. */
  async readable(postId: number, userId: number): Promise<PostRow> {
    const post = await livePosts(this.db).where('posts.id', '=', postId).executeTakeFirst();
    if (!post) throw new AppError('not_found', 'Post not found');
    if (post.club_id !== null) await this.gate.require(post.club_id, userId, 'post.read');
    return post;
  }

  /** Newest first; `clubId` null lists community posts. Ids grow with time, so they order the list. */
  async list(clubId: number | null, query: PageQuery): Promise<Page<PostResponse>> {
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    let q = livePosts(this.db).where('posts.club_id', clubId === null ? 'is' : '=', clubId);
    if (after) q = q.where('posts.id', '<', after[0]);
    const rows = await q.orderBy('posts.id', 'desc').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], toPost);
  }

  async get(postId: number, userId: number): Promise<PostResponse> {
    return toPost(await this.readable(postId, userId));
  }

  async create(clubId: number | null, authorId: number, input: PostCreate): Promise<PostResponse> {
    const now = new Date();
    const { id } = await this.db
      .insertInto('posts')
      .values({ club_id: clubId, author_id: authorId, title: input.title, content: input.content, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const post = toPost(await livePosts(this.db).where('posts.id', '=', id).executeTakeFirstOrThrow());
    if (clubId !== null) await this.events.publish(clubId, authorId, { type: 'content.changed', resource: 'post', action: 'created', id, data: post });
    return post;
  }

  /** Only the author edits, and in a club only while still allowed to post there. */
  async update(postId: number, userId: number, input: PostUpdate): Promise<PostResponse> {
    const current = await this.readable(postId, userId);
    if (current.author_id !== userId) throw new AppError('forbidden', 'Only the author may edit a post');
    if (current.club_id !== null) await this.gate.require(current.club_id, userId, 'post.create');
    await this.db
      .updateTable('posts')
      .set({ ...input, updated_at: new Date() })
      .where('id', '=', postId)
      .where('deleted_at', 'is', null)
      .execute();
    const post = await this.get(postId, userId);
    if (post.club_id !== null) await this.events.publish(post.club_id, userId, { type: 'content.changed', resource: 'post', action: 'updated', id: postId, data: post });
    return post;
  }

  /** The author (even one who has since left the club), or a moderator of the post's club. */
  async remove(postId: number, userId: number): Promise<void> {
    const post = await livePosts(this.db).where('posts.id', '=', postId).executeTakeFirst();
    if (!post) throw new AppError('not_found', 'Post not found');
    if (post.author_id !== userId) {
      if (post.club_id === null) throw new AppError('forbidden', 'Only its author may delete a community post');
      await this.gate.require(post.club_id, userId, 'post.moderate');
    }
    await this.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', postId).where('deleted_at', 'is', null).execute();
    if (post.club_id !== null) await this.events.publish(post.club_id, userId, { type: 'content.changed', resource: 'post', action: 'deleted', id: postId });
  }
}
