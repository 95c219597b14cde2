// Club chat in the database: a message is stored before anyone sees it, so what was
// broadcast is always in the history. (club, author, client_id) is unique: a client that
// resends after a lost ack gets the stored message back instead of a second copy.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { ChatMessage, ReadMarker } from '../../shared/protocol/signaling.js';
import type { ChatLog } from '../../signaling/ports.js';
import { avatarUrl } from '../users/avatar-url.js';
import { CHAT_COLUMNS as COLUMNS, ChatInsertBatcher, withAuthorAvatar, type ChatRow } from './insert-batch.js';

function toMessage(row: ChatRow): ChatMessage {
  return {
    id: row.id,
    club_id: row.club_id,
    author_id: row.author_id,
    author_avatar_url: avatarUrl(row.author_id, row.author_avatar_sha256),
    client_id: row.client_id,
    body: row.body,
    created_at: row.created_at.toISOString(),
    edited_at: row.edited_at?.toISOString() ?? null,
    deleted_at: row.deleted_at?.toISOString() ?? null,
  };
}

export class ChatStore implements ChatLog {
  private readonly inserts: ChatInsertBatcher;

  constructor(private readonly db: Kysely<Database>) {
    this.inserts = new ChatInsertBatcher(db);
  }

  async send(clubId: number, authorId: number, clientId: string, body: string): Promise<{ message: ChatMessage; created: boolean }> {
    const { row, created } = await this.inserts.insert({ club_id: clubId, author_id: authorId, client_id: clientId, body });
    return { message: toMessage(row), created };
  }

  async edit(clubId: number, messageId: number, actorId: number, moderator: boolean, body: string): Promise<ChatMessage> {
    return this.change(clubId, messageId, actorId, moderator, 'edit', { body, edited_at: new Date() });
  }

  async remove(clubId: number, messageId: number, actorId: number, moderator: boolean): Promise<ChatMessage> {
    return this.change(clubId, messageId, actorId, moderator, 'delete', { body: '', deleted_at: new Date() });
  }

  async markRead(clubId: number, userId: number, messageId: number): Promise<number> {
    const exists = await this.db.selectFrom('chat_messages').select('id').where('id', '=', messageId).where('club_id', '=', clubId).executeTakeFirst();
    if (!exists) throw new AppError('not_found', 'Message not found');
    const row = await this.db
      .insertInto('chat_read_markers')
      .values({ club_id: clubId, user_id: userId, message_id: messageId, updated_at: new Date() })
      .onConflict((oc) =>
        oc.columns(['club_id', 'user_id']).doUpdateSet({
          message_id: sql<number>`greatest(chat_read_markers.message_id, excluded.message_id)`,
          updated_at: sql<Date>`excluded.updated_at`,
        }),
      )
      .returning('message_id')
      .executeTakeFirstOrThrow();
    return row.message_id;
  }

  async readMarker(clubId: number, userId: number): Promise<ReadMarker> {
    const row = await this.db.selectFrom('chat_read_markers').select(['message_id', 'updated_at']).where('club_id', '=', clubId).where('user_id', '=', userId).executeTakeFirst();
    return { club_id: clubId, message_id: row?.message_id ?? null, updated_at: row?.updated_at.toISOString() ?? null };
  }

  /** Newest first; `before` is the id of the oldest message already seen (the previous page's next_cursor). */
  async history(clubId: number, query: { before?: number; limit: number }): Promise<Page<ChatMessage>> {
    let q = withAuthorAvatar(this.db).where('m.club_id', '=', clubId);
    if (query.before !== undefined) q = q.where('m.id', '<', query.before);
    const rows = await q.orderBy('m.id', 'desc').limit(query.limit + 1).execute();
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map(toMessage);
    return { items, next_cursor: more ? String(items.at(-1)?.id) : null };
  }

  /** Edits or deletes a live message that its author (or a moderator) may change. */
  private async change(clubId: number, messageId: number, actorId: number, moderator: boolean, verb: string, set: { body: string; edited_at?: Date; deleted_at?: Date }): Promise<ChatMessage> {
    await this.writable(clubId, messageId, actorId, moderator, verb);
    const row = await this.db
      .with('m', (db) => db.updateTable('chat_messages').set(set).where('id', '=', messageId).where('deleted_at', 'is', null).returning(COLUMNS))
      .selectFrom('m')
      .leftJoin('users as author', 'author.id', 'm.author_id')
      .leftJoin('files as avatar', 'avatar.id', 'author.avatar_file_id')
      .selectAll('m')
      .select('avatar.sha256 as author_avatar_sha256')
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Message not found');
    return toMessage(row);
  }

  private async writable(clubId: number, messageId: number, actorId: number, moderator: boolean, verb: string): Promise<void> {
    const row = await this.db
      .selectFrom('chat_messages')
      .select(['author_id', 'deleted_at'])
      .where('id', '=', messageId)
      .where('club_id', '=', clubId)
      .executeTakeFirst();
    if (!row || row.deleted_at) throw new AppError('not_found', 'Message not found');
    if (row.author_id !== actorId && !moderator) throw new AppError('forbidden', `Only the author or a moderator may ${verb} this message`);
  }
}
