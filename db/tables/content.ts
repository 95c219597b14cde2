// Club content: notices, rules, goals, past seasons and dues.
import type { Generated } from 'kysely';
import type { CreatedAt, NullableDateText, NullableTimestamp, Timestamp } from './common.js';

export interface ClubNoticesTable {
  id: Generated<number>;
  club_id: number;
  title: string;
  body: Generated<string>;
  pinned: Generated<boolean>;
  /** Order among the club's notices (pinned ones are shown first regardless). */
  position: number;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ClubRulesTable {
  id: Generated<number>;
  club_id: number;
  position: number;
  text: string;
  created_at: CreatedAt;
}

export type GoalType = 'sub_goal' | 'homework' | 'meeting' | 'other';

export interface ClubGoalsTable {
  id: Generated<number>;
  club_id: number;
  type: GoalType;
  title: string;
  explanation: Generated<string>;
  /** Either date may be blank. */
  starts_on: NullableDateText;
  ends_on: NullableDateText;
  done: Generated<boolean>;
  done_at: NullableTimestamp;
  done_by: number | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A season that has ended; the running one is clubs.season since clubs.renewed_at. */
export interface ClubSeasonsTable {
  club_id: number;
  season: number;
  started_at: Timestamp;
  ended_at: Timestamp;
}

export interface ClubDuesTable {
  club_id: number;
  season: number;
  user_id: number;
  paid: boolean;
  /** Minor units (cents). */
  amount: number;
  paid_on: NullableDateText;
  recorded_by: number | null;
  recorded_at: Timestamp;
}

export interface ContentTables {
  club_notices: ClubNoticesTable;
  club_rules: ClubRulesTable;
  club_goals: ClubGoalsTable;
  club_seasons: ClubSeasonsTable;
  club_dues: ClubDuesTable;
}
