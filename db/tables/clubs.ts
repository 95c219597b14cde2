// Clubs, memberships, knocks and likes.
import type { ColumnType, Generated } from 'kysely';
import type { ClubRole } from '../../shared/permissions.js';
import type { CreatedAt, Json, NullableTimestamp, Timestamp } from './common.js';

export interface ClubScheduleValue {
  /** How many meetings per period ("2 times a month"). */
  times: number;
  period: 'week' | 'month';
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: number[];
  /** 'HH:MM', local to time_zone. */
  start_time: string;
  duration_minutes: number;
  time_zone: string;
  /** 'YYYY-MM-DD': the first day the schedule applies (defaults to the club's creation). */
  starts_on: string;
}

export interface ClubsTable {
  id: Generated<number>;
  owner_id: number;
  kind: 'book' | 'study';
  title: string;
  summary: Generated<string>;
  detail: Generated<string>;
  cover_file_id: string | null;
  /** Whether new meetings of the club are transcribed unless the owner decides otherwise. */
  transcription_default: Generated<boolean>;
  visibility: 'public' | 'private';
  join_password_hash: string | null;
  max_members: number;
  member_count: Generated<number>;
  /** text[]: both drivers return a JS array. */
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  schedule: Json<ClubScheduleValue> | null;
  main_goal: string | null;
  grace_period_days: Generated<number>;
  renew_period_days: number | null;
  entrance_fee: Generated<number>;
  penalty: Generated<number>;
  season: Generated<number>;
  renewed_at: NullableTimestamp;
  /** bigint: sums of dues in minor units; read as string by pg, so cast in queries. */
  total_money: ColumnType<string | number, number | undefined, number | string>;
  like_count: Generated<number>;
  /** tsvector, written with to_tsvector() by the service; never selected. */
  search: ColumnType<never, unknown, unknown>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type MembershipStatus = 'active' | 'banned';

export interface MembershipsTable {
  club_id: number;
  user_id: number;
  role: ClubRole;
  status: MembershipStatus;
  joined_at: CreatedAt;
  banned_at: NullableTimestamp;
  ban_reason: string | null;
}

export type KnockStatus = 'pending' | 'admitted_member' | 'admitted_once' | 'refused' | 'withdrawn';

export interface KnocksTable {
  id: Generated<number>;
  club_id: number;
  user_id: number;
  message: Generated<string>;
  status: Generated<KnockStatus>;
  decided_by: number | null;
  decided_at: NullableTimestamp;
  /** For admitted_once: the guest pass lasts until then. */
  guest_until: NullableTimestamp;
  created_at: CreatedAt;
}

export interface ClubLikesTable {
  club_id: number;
  user_id: number;
  created_at: CreatedAt;
}

export interface ClubTables {
  clubs: ClubsTable;
  memberships: MembershipsTable;
  knocks: KnocksTable;
  club_likes: ClubLikesTable;
}
