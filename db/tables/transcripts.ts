// Meeting intelligence: transcript segments, summaries, and members' inbox.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, NullableTimestamp, Timestamp } from './common.js';

export type TranscriptSource = 'live' | 'recording';

export interface TranscriptSegmentsTable {
  /** bigint: parsed as a JS number by both drivers. */
  id: Generated<number>;
  meeting_id: number;
  /** null once the speaker's account is gone. */
  speaker_id: number | null;
  /** Milliseconds from the meeting's start (or the recording's). */
  start_ms: number;
  end_ms: number;
  text: Generated<string>;
  confidence: number | null;
  engine: string;
  language: string | null;
  source: ColumnType<TranscriptSource, TranscriptSource | undefined, TranscriptSource>;
  /** The recording job that wrote it (a rerun replaces its own segments); null for live ones. */
  job_id: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}

export type SummaryStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface MeetingSummariesTable {
  meeting_id: number;
  status: Generated<SummaryStatus>;
  job_id: number | null;
  /** The summary document (shared/protocol's summary schema) once completed. */
  content: Json<unknown> | null;
  error: string | null;
  requested_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface InboxItemsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  club_id: number | null;
  meeting_id: number | null;
  payload: Json<unknown>;
  created_at: CreatedAt;
  read_at: NullableTimestamp;
}

export interface TranscriptTables {
  transcript_segments: TranscriptSegmentsTable;
  meeting_summaries: MeetingSummariesTable;
  inbox_items: InboxItemsTable;
}
