// A meeting's row once the caller is known to hold `action` in its club (404 before 403: an
// unknown meeting says nothing about clubs).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Action } from '../../shared/permissions.js';
import type { ClubGate } from '../clubs/gate.js';

export interface MeetingRow {
  id: number;
  club_id: number;
  title: string;
  status: string;
  started_at: Date | null;
  ended_at: Date | null;
  scheduled_at: Date | null;
}

export async function findMeetingRow(db: Kysely<Database>, meetingId: number): Promise<MeetingRow | undefined> {
  return db.selectFrom('meetings').select(['id', 'club_id', 'title', 'status', 'started_at', 'ended_at', 'scheduled_at']).where('id', '=', meetingId).executeTakeFirst();
}

export async function authorizeMeeting(db: Kysely<Database>, gate: ClubGate, meetingId: number, userId: number, action: Action): Promise<MeetingRow> {
  const meeting = await findMeetingRow(db, meetingId);
  if (!meeting) throw new AppError('not_found', 'Meeting not found');
  await gate.require(meeting.club_id, userId, action);
  return meeting;
}

/** The name a member goes by: their nickname, else their username. */
export const displayName = (user: { username: string; nickname: string | null }): string => user.nickname ?? user.username;
