// How meetings and their participants are read and shaped for responses.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { MeetingResponse, ParticipantResponse } from '../../shared/protocol/meetings.js';

type Db = Kysely<Database> | Transaction<Database>;

export function meetingsWithCreator(db: Db) {
  return db
    .selectFrom('meetings')
    .leftJoin('users as creator', 'creator.id', 'meetings.created_by')
    .innerJoin('clubs', 'clubs.id', 'meetings.club_id')
    .selectAll('meetings')
    .select(['creator.username as creator_username', 'clubs.transcription_default'])
    .select((eb) =>
      eb
        .selectFrom('meeting_participants')
        .select((sub) => sub.fn.count<number>('meeting_participants.user_id').distinct().as('n'))
        .whereRef('meeting_participants.meeting_id', '=', 'meetings.id')
        .as('participant_count'),
    );
}

export type MeetingRow = Awaited<ReturnType<ReturnType<typeof meetingsWithCreator>['executeTakeFirstOrThrow']>>;

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;

export function toMeeting(row: MeetingRow): MeetingResponse {
  return {
    id: row.id,
    club_id: row.club_id,
    title: row.title,
    description: row.description,
    status: row.status,
    scheduled_at: iso(row.scheduled_at),
    started_at: iso(row.started_at),
    ended_at: iso(row.ended_at),
    cancelled_at: iso(row.cancelled_at),
    book_id: row.book_id,
    chapters: row.chapters,
    thumbnail_file_id: row.thumbnail_file_id,
    thumbnail_url: row.thumbnail_file_id ? `/api/meetings/${row.id}/thumbnail` : null,
    participant_count: Number(row.participant_count ?? 0),
    transcription: row.transcription ?? row.transcription_default,
    transcription_setting: row.transcription,
    created_by: row.created_by !== null && row.creator_username !== null ? { id: row.created_by, username: row.creator_username } : null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function findMeeting(db: Db, meetingId: number): Promise<MeetingResponse | null> {
  const row = await meetingsWithCreator(db).where('meetings.id', '=', meetingId).executeTakeFirst();
  return row ? toMeeting(row) : null;
}

/** Join sessions folded per person: first join, last leave, total talk time, how many sessions. */
export async function participantsOf(db: Db, meetingId: number): Promise<ParticipantResponse[]> {
  const rows = await db
    .selectFrom('meeting_participants as p')
    .innerJoin('users', 'users.id', 'p.user_id')
    .select((eb) => [
      'p.user_id',
      'users.username',
      'users.nickname',
      eb.fn.min('p.joined_at').as('first_joined_at'),
      eb.fn.max('p.left_at').as('last_left_at'),
      sql<boolean>`bool_or(p.left_at IS NULL)`.as('present'),
      // sum(bigint) is numeric; back to int8 so both drivers hand over a number.
      sql<number>`sum(p.talk_ms)::int8`.as('talk_ms'),
      eb.fn.countAll<number>().as('sessions'),
    ])
    .where('p.meeting_id', '=', meetingId)
    .groupBy(['p.user_id', 'users.username', 'users.nickname'])
    .orderBy('first_joined_at')
    // Joins within one clock tick keep their order: sessions are numbered as they open.
    .orderBy(sql`min(p.id)`)
    .execute();
  return rows.map((r) => ({
    user: { id: r.user_id, username: r.username, nickname: r.nickname },
    first_joined_at: r.first_joined_at.toISOString(),
    last_left_at: r.present || r.last_left_at === null ? null : r.last_left_at.toISOString(),
    present: r.present,
    talk_ms: Number(r.talk_ms),
    sessions: Number(r.sessions),
  }));
}
