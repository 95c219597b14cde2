// Table types for kysely. Column names are snake_case as in SQL; one interface per table.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CreatedAt, Json, NullableTimestamp, Timestamp } from './tables/common.js';
import type { CalendarTables } from './tables/calendar.js';
import type { ChatTables } from './tables/chat.js';
import type { ClubTables } from './tables/clubs.js';
import type { ContentTables } from './tables/content.js';
import type { BookTables } from './tables/books.js';
import type { MeetingTables } from './tables/meetings.js';
import type { PostTables } from './tables/posts.js';
import type { SecretTables } from './tables/secrets.js';
import type { NotesVersionTables } from './tables/notes.js';
import type { TranscriptTables } from './tables/transcripts.js';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string;
  password_hash: string;
  first_name: Generated<string>;
  last_name: Generated<string>;
  nickname: string | null;
  bio: string | null;
  phone: string | null;
  /** 'YYYY-MM-DD' (DATE is parsed as text by both drivers). */
  birth_date: string | null;
  interests: Json<string[]>;
  is_active: Generated<boolean>;
  /** The member's audio is never tapped for meeting transcription. */
  transcription_opt_out: Generated<boolean>;
  /** The profile picture (a files row), or null. */
  avatar_file_id: Generated<string | null>;
  email_verified_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A login session: one chain of rotating refresh tokens. Revoking it ends its access tokens too. */
export interface AuthSessionsTable {
  id: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoke_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokensTable {
  id: string;
  session_id: string;
  parent_id: string | null;
  issued_at: CreatedAt;
  used_at: NullableTimestamp;
}

export type EmailTokenPurpose = 'activation' | 'password_reset';

export interface EmailTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface MailOutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  body: string;
  created_at: CreatedAt;
  attempts: Generated<number>;
  claimed_until: NullableTimestamp;
  sent_at: NullableTimestamp;
  /** 'smtp' once sent, 'log' where no SMTP server is configured. */
  delivered_via: string | null;
  last_error: string | null;
}

export type FileKind = 'upload' | 'thumbnail' | 'generated';

export interface FilesTable {
  id: string;
  owner_id: number;
  sha256: string;
  size: number;
  content_type: string;
  /** The name shown to people; never used as a path. */
  name: string;
  description: Generated<string>;
  kind: FileKind;
  width: number | null;
  height: number | null;
  thumbnail_id: string | null;
  created_at: CreatedAt;
}

export type ProjectStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface ProjectsTable {
  id: Generated<number>;
  owner_id: number;
  /** Set when the project belongs to a club; its members may see it. */
  club_id: number | null;
  name: string;
  description: Generated<string>;
  ai_model_id: string;
  status: Generated<ProjectStatus>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ProjectImagesTable {
  id: Generated<number>;
  project_id: number;
  file_id: string;
  name: string;
  old_name: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  project_id: number | null;
  payload: Json<{ image_ids: number[]; model_id: string }>;
  status: Generated<JobStatus>;
  done: Generated<number>;
  total: Generated<number>;
  attempts: Generated<number>;
  claimed_by: string | null;
  claimed_until: NullableTimestamp;
  error: string | null;
  created_at: CreatedAt;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface ImageResultsTable {
  image_id: number;
  job_id: number | null;
  model_id: string;
  orientation: number;
  lines: Json<unknown[]>;
  text: string;
  ms: number;
  created_at: CreatedAt;
}

export interface NotesUpdatesTable {
  /** int8: parsed as a JS number by both drivers (sequence values stay far below 2^53). */
  seq: Generated<number>;
  doc: string;
  update: Uint8Array;
  created_at: CreatedAt;
}

export interface NotesSnapshotsTable {
  doc: string;
  state: Uint8Array;
  upto_seq: number;
  updated_at: Timestamp;
}

export interface CollabTicketsTable {
  token_hash: string;
  user_id: number;
  session_id: string;
  doc: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface Database extends ClubTables, CalendarTables, ContentTables, BookTables, PostTables, MeetingTables, ChatTables, NotesVersionTables, TranscriptTables, SecretTables {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  email_tokens: EmailTokensTable;
  mail_outbox: MailOutboxTable;
  files: FilesTable;
  projects: ProjectsTable;
  project_images: ProjectImagesTable;
  jobs: JobsTable;
  image_results: ImageResultsTable;
  notes_updates: NotesUpdatesTable;
  notes_snapshots: NotesSnapshotsTable;
  collab_tickets: CollabTicketsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuthSession = Selectable<AuthSessionsTable>;
