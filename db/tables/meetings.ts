// Meetings of a club and who took part in them.
import type { ColumnType, Generated } from 'kysely';
import type { MeetingStatus } from '../../shared/protocol/meetings.js';
import type { CreatedAt, NullableTimestamp, Timestamp } from './common.js';

export interface MeetingsTable {
  id: Generated<number>;
  club_id: number;
  title: string;
  description: Generated<string>;
  thumbnail_file_id: string | null;
  status: MeetingStatus;
  scheduled_at: NullableTimestamp;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  /** A book of the club's library; deliberately no foreign key (books live in their own module). */
  book_id: number | null;
  chapters: string | null;
  /** Transcription on or off, decided by the owner; null: the club's default. */
  transcription: boolean | null;
  /** null once the creator's account is gone. */
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** One row per join session: someone who rejoins has several. */
export interface MeetingParticipantsTable {
  id: Generated<number>;
  meeting_id: number;
  user_id: number;
  joined_at: CreatedAt;
  left_at: NullableTimestamp;
  /** bigint: parsed as a JS number by both drivers. */
  talk_ms: ColumnType<number, number | undefined, number>;
}

export interface MeetingTables {
  meetings: MeetingsTable;
  meeting_participants: MeetingParticipantsTable;
}
