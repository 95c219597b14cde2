// The meeting history the live media server keeps: a meeting going live and ending, who
// joined and left (one row per session), and how long each person talked.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { MeetingResponse } from '../../shared/protocol/meetings.js';
import type { ClubEventPublisher } from '../features.js';
import { findMeeting } from './queries.js';

export class MeetingRecords {
  constructor(
    private readonly db: Kysely<Database>,
    /** Without one (e.g. tools working on the database alone), changes are not announced. */
    private readonly events: ClubEventPublisher | null = null,
  ) {}

  private async announce(clubId: number, actorId: number | null, meetingId: number, data: unknown): Promise<void> {
    await this.events?.publish(clubId, actorId, { type: 'content.changed', resource: 'meeting', action: 'updated', id: meetingId, data });
  }

  private async current(meetingId: number): Promise<MeetingResponse> {
    const meeting = await findMeeting(this.db, meetingId);
    if (!meeting) throw new AppError('not_found', 'Meeting not found');
    return meeting;
  }

  private async changed(meetingId: number, actorId: number | null): Promise<MeetingResponse> {
    const meeting = await this.current(meetingId);
    await this.announce(meeting.club_id, actorId, meetingId, meeting);
    return meeting;
  }

  /** A scheduled meeting goes live; starting a live one again changes nothing. */
  async start(meetingId: number, actorId: number | null = null): Promise<MeetingResponse> {
    const now = new Date();
    // One statement, so a concurrent start cannot slip between a read and this write: both
    // callers find the meeting live, and only the one that made it so has news to announce.
    const started = await this.db
      .updateTable('meetings')
      .set({
        status: 'live',
        started_at: sql<Date>`coalesce(started_at, ${now})`,
        updated_at: sql<Date>`CASE WHEN status = 'scheduled' THEN ${now} ELSE updated_at END`,
      })
      .where('id', '=', meetingId)
      .where('status', 'in', ['scheduled', 'live'])
      .returning('updated_at')
      .executeTakeFirst();
    if (!started) {
      const current = await this.db.selectFrom('meetings').select('status').where('id', '=', meetingId).executeTakeFirst();
      if (!current) throw new AppError('not_found', 'Meeting not found');
      throw new AppError('conflict', `This meeting is ${current.status}; it cannot start`);
    }
    return started.updated_at.getTime() === now.getTime() ? this.changed(meetingId, actorId) : this.current(meetingId);
  }

  /** A live meeting ends, and so does every session still open in it. */
  async end(meetingId: number, actorId: number | null = null): Promise<MeetingResponse> {
    await this.db.transaction().execute(async (trx) => {
      const now = new Date();
      // The status test is in the write itself; a concurrent end waits for this one and then finds nothing live.
      const ended = await trx
        .updateTable('meetings')
        .set({ status: 'ended', ended_at: now, updated_at: now })
        .where('id', '=', meetingId)
        .where('status', '=', 'live')
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) === 0) {
        const current = await trx.selectFrom('meetings').select('status').where('id', '=', meetingId).executeTakeFirst();
        if (!current) throw new AppError('not_found', 'Meeting not found');
        throw new AppError('conflict', `Only a live meeting can end; this one is ${current.status}`);
      }
      await trx.updateTable('meeting_participants').set({ left_at: now }).where('meeting_id', '=', meetingId).where('left_at', 'is', null).execute();
    });
    return this.changed(meetingId, actorId);
  }

  /** Opens a join session in a live meeting; its id closes it later. The caller has checked meeting.join. */
  async participantJoined(meetingId: number, userId: number): Promise<number> {
    const session = await this.db.transaction().execute(async (trx) => {
      // Locked so the meeting cannot end between the check and the insert.
      const meeting = await trx.selectFrom('meetings').select(['status', 'club_id']).where('id', '=', meetingId).forShare().executeTakeFirst();
      if (!meeting) throw new AppError('not_found', 'Meeting not found');
      if (meeting.status !== 'live') throw new AppError('conflict', `Only a live meeting can be joined; this one is ${meeting.status}`);
      const { id } = await trx
        .insertInto('meeting_participants')
        .values({ meeting_id: meetingId, user_id: userId, joined_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id, clubId: meeting.club_id };
    });
    await this.announce(session.clubId, userId, meetingId, { participant_joined: userId });
    return session.id;
  }

  /** Closes a join session; closing it twice changes nothing. */
  async participantLeft(sessionId: number): Promise<void> {
    const closed = await this.db
      .updateTable('meeting_participants')
      .set({ left_at: new Date() })
      .where('id', '=', sessionId)
      .where('left_at', 'is', null)
      .returning(['meeting_id', 'user_id'])
      .executeTakeFirst();
    if (!closed) return;
    const meeting = await this.db.selectFrom('meetings').select('club_id').where('id', '=', closed.meeting_id).executeTakeFirst();
    if (meeting) await this.announce(meeting.club_id, closed.user_id, closed.meeting_id, { participant_left: closed.user_id });
  }

  /**
   * Adds talk time to the person's open session (or their latest one, for a late report).
   * Returns false when the person never joined the meeting.
   */
  async transcription(meetingId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('meetings')
      .innerJoin('clubs', 'clubs.id', 'meetings.club_id')
      .select(['meetings.transcription', 'clubs.transcription_default'])
      .where('meetings.id', '=', meetingId)
      .executeTakeFirst();
    return row ? (row.transcription ?? row.transcription_default) : false;
  }

  async addTalkTime(meetingId: number, userId: number, ms: number): Promise<boolean> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`talk time must be a non-negative number of milliseconds, not ${ms}`);
    const added = Math.round(ms);
    const result = await this.db
      .updateTable('meeting_participants')
      .set({ talk_ms: sql<number>`talk_ms + ${added}` })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('meeting_participants')
          .select('id')
          .where('meeting_id', '=', meetingId)
          .where('user_id', '=', userId)
          .orderBy(sql`left_at IS NULL`, 'desc')
          .orderBy('id', 'desc')
          .limit(1),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
