// Meetings a club schedules or opens on the spot; the live side (joins, talk time, going live)
// is recorded through MeetingRecords.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { MeetingCreate, MeetingDetail, MeetingListQuery, MeetingResponse, MeetingStatus, MeetingUpdate } from '../../shared/protocol/meetings.js';
import type { Action } from '../../shared/permissions.js';
import type { ClubEventPublisher } from '../features.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { ClubGate } from '../clubs/gate.js';
import { assertOwnImage } from '../uploads/images-in-use.js';
import { findMeeting, meetingsWithCreator, participantsOf, toMeeting } from './queries.js';
import type { MeetingRecords } from './records.js';

export interface MeetingRef {
  id: number;
  club_id: number;
  status: MeetingStatus;
  thumbnail_file_id: string | null;
}

/** Upcoming: soonest first (a meeting opened on the spot counts from its start). Past: latest to finish first. */
const UPCOMING_KEY = sql<Date>`coalesce(meetings.scheduled_at, meetings.started_at)`;
const PAST_KEY = sql<Date>`coalesce(meetings.ended_at, meetings.cancelled_at)`;

export class MeetingService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly gate: ClubGate,
    private readonly records: MeetingRecords,
    private readonly events: ClubEventPublisher,
  ) {}

  /** The meeting, once the caller is known to hold `action` in its club. */
  async authorize(meetingId: number, userId: number, action: Action): Promise<MeetingRef> {
    const meeting = await this.db.selectFrom('meetings').select(['id', 'club_id', 'status', 'thumbnail_file_id']).where('id', '=', meetingId).executeTakeFirst();
    if (!meeting) throw new AppError('not_found', 'Meeting not found');
    await this.gate.require(meeting.club_id, userId, action);
    return meeting;
  }

  /** meetings.book_id has no foreign key (books are their own module), so it is checked here. */
  private async checkBook(bookId: number | null | undefined): Promise<void> {
    if (bookId === null || bookId === undefined) return;
    const book = await this.db.selectFrom('books').select('id').where('id', '=', bookId).executeTakeFirst();
    if (!book) throw validationError([{ path: 'book_id', message: 'no such book' }]);
  }

  private async announce(clubId: number, actorId: number, action: 'created' | 'updated', meeting: MeetingResponse): Promise<void> {
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'meeting', action, id: meeting.id, data: meeting });
  }

  private async current(meetingId: number): Promise<MeetingResponse> {
    const meeting = await findMeeting(this.db, meetingId);
    if (!meeting) throw new AppError('not_found', 'Meeting not found');
    return meeting;
  }

  /** Scheduled for later, or, with no time given, opened (live) at once. */
  async create(clubId: number, userId: number, input: MeetingCreate): Promise<MeetingResponse> {
    if (input.transcription !== undefined) await this.gate.require(clubId, userId, 'meeting.transcription');
    await assertOwnImage(this.db, input.thumbnail_file_id, userId, 'thumbnail_file_id');
    await this.checkBook(input.book_id);
    const now = new Date();
    const scheduledAt = input.scheduled_at === undefined ? null : new Date(input.scheduled_at);
    const { id } = await this.db
      .insertInto('meetings')
      .values({
        club_id: clubId,
        title: input.title,
        description: input.description,
        thumbnail_file_id: input.thumbnail_file_id ?? null,
        status: scheduledAt ? 'scheduled' : 'live',
        scheduled_at: scheduledAt,
        started_at: scheduledAt ? null : now,
        book_id: input.book_id ?? null,
        chapters: input.chapters ?? null,
        transcription: input.transcription ?? null,
        created_by: userId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const meeting = await this.current(id);
    await this.announce(clubId, userId, 'created', meeting);
    return meeting;
  }

  async list(clubId: number, query: MeetingListQuery): Promise<Page<MeetingResponse>> {
    const upcoming = query.when === 'upcoming';
    const key = upcoming ? UPCOMING_KEY : PAST_KEY;
    const after = decodeCursor(query.cursor, [cursorPart.time, cursorPart.id]);
    let q = meetingsWithCreator(this.db)
      .select(key.as('sort_key'))
      // The cursor carries the key to the microsecond; a millisecond Date would repeat or skip rows.
      .select(sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('sort_key_text'))
      .where('meetings.club_id', '=', clubId)
      .where('meetings.status', 'in', upcoming ? ['scheduled', 'live'] : ['ended', 'cancelled']);
    if (after) {
      const [at, id] = after;
      if (Number.isNaN(Date.parse(at))) throw validationError([{ path: 'cursor', message: 'is not a cursor this list handed out' }]);
      q = upcoming ? q.where(sql<boolean>`(${key}, meetings.id) > (${at}::timestamptz, ${id})`) : q.where(sql<boolean>`(${key}, meetings.id) < (${at}::timestamptz, ${id})`);
    }
    const order = upcoming ? 'asc' : 'desc';
    const rows = await q.orderBy(key, order).orderBy('meetings.id', order).limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.sort_key_text, r.id], toMeeting);
  }

  async detail(meetingId: number): Promise<MeetingDetail> {
    const meeting = await this.current(meetingId);
    return { ...meeting, participants: await participantsOf(this.db, meetingId) };
  }

  /** Changes while scheduled or live; the time only while still scheduled. */
  async update(ref: MeetingRef, userId: number, input: MeetingUpdate): Promise<MeetingDetail> {
    if (ref.status !== 'scheduled' && ref.status !== 'live') throw new AppError('conflict', `This meeting is ${ref.status}; it can no longer change`);
    if (input.scheduled_at !== undefined && ref.status !== 'scheduled') throw new AppError('conflict', 'The meeting has started; its scheduled time can no longer change');
    // Moderators arrange meetings; whether one is transcribed is the owner's decision.
    if (input.transcription !== undefined) await this.gate.require(ref.club_id, userId, 'meeting.transcription');
    await assertOwnImage(this.db, input.thumbnail_file_id, userId, 'thumbnail_file_id');
    await this.checkBook(input.book_id);
    const { scheduled_at, ...plain } = input;
    const changed = await this.db
      .updateTable('meetings')
      .set({ ...plain, ...(scheduled_at === undefined ? {} : { scheduled_at: new Date(scheduled_at) }), updated_at: new Date() })
      .where('id', '=', ref.id)
      // The status may have moved on since it was read (the meeting went live or ended).
      .where('status', 'in', scheduled_at === undefined ? ['scheduled', 'live'] : ['scheduled'])
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) throw new AppError('conflict', 'The meeting changed state meanwhile; reload it and try again');
    const meeting = await this.detail(ref.id);
    await this.announce(ref.club_id, userId, 'updated', meeting);
    return meeting;
  }

  async cancel(ref: MeetingRef, userId: number): Promise<MeetingDetail> {
    const now = new Date();
    const cancelled = await this.db
      .updateTable('meetings')
      .set({ status: 'cancelled', cancelled_at: now, updated_at: now })
      .where('id', '=', ref.id)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 0) throw new AppError('conflict', 'Only a scheduled meeting can be cancelled');
    const meeting = await this.detail(ref.id);
    await this.announce(ref.club_id, userId, 'updated', meeting);
    return meeting;
  }

  async end(ref: MeetingRef, userId: number): Promise<MeetingDetail> {
    await this.records.end(ref.id, userId);
    return this.detail(ref.id);
  }
}
