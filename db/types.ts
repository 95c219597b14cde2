// Table types for kysely. Column names are snake_case as in SQL; one interface per table.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

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

export interface Database {
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  email_tokens: EmailTokensTable;
  mail_outbox: MailOutboxTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type AuthSession = Selectable<AuthSessionsTable>;
