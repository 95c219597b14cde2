// The card of a club in lists (search, recommendations): what anyone signed in may see.
import type { ClubScheduleValue } from '../../db/tables/clubs.js';
import type { ClubCard } from '../../shared/protocol/discovery.js';

/** The columns a card is made of; `has_password` is selected as an expression. */
export const CARD_COLUMNS = [
  'clubs.id',
  'clubs.kind',
  'clubs.title',
  'clubs.summary',
  'clubs.keywords',
  'clubs.visibility',
  'clubs.member_count',
  'clubs.max_members',
  'clubs.like_count',
  'clubs.schedule',
] as const;

export interface CardRow {
  id: number;
  kind: 'book' | 'study';
  title: string;
  summary: string;
  keywords: string[];
  visibility: 'public' | 'private';
  has_password: boolean;
  member_count: number;
  max_members: number;
  like_count: number;
  schedule: ClubScheduleValue | null;
}

export function toClubCard(row: CardRow): ClubCard {
  // A private club's schedule is for its members (as on the club itself).
  const schedule = row.visibility === 'public' && row.schedule ? { weekdays: row.schedule.weekdays, start_time: row.schedule.start_time, time_zone: row.schedule.time_zone } : null;
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    keywords: row.keywords,
    visibility: row.visibility,
    has_password: row.has_password,
    member_count: row.member_count,
    max_members: row.max_members,
    seats_left: Math.max(0, row.max_members - row.member_count),
    like_count: row.like_count,
    schedule,
  };
}
