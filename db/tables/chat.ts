// Club chat: messages and per-member read markers.
import type { Generated } from 'kysely';
import type { CreatedAt, NullableTimestamp, Timestamp } from './common.js';

export interface ChatMessagesTable {
  /** bigint identity: parsed as a JS number by both drivers (far below 2^53). */
  id: Generated<number>;
  club_id: number;
  author_id: number;
  /** Chosen by the sending client; a resend with the same one returns the stored message. */
  client_id: string;
  /** Emptied when the message is deleted (deleted_at set). */
  body: string;
  created_at: CreatedAt;
  edited_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
}

export interface ChatReadMarkersTable {
  club_id: number;
  user_id: number;
  /** The newest message this member has read in the club; only ever moves forward. */
  message_id: number;
  updated_at: Timestamp;
}

export interface ChatTables {
  chat_messages: ChatMessagesTable;
  chat_read_markers: ChatReadMarkersTable;
}
