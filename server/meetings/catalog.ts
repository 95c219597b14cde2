// What signaling reads before letting someone into a meeting's media: the meeting's club and
// status, the club's size, and whether the person opted out of transcription.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { MeetingCatalog, MeetingFacts } from '../../signaling/ports.js';

export class DatabaseMeetingCatalog implements MeetingCatalog {
  constructor(private readonly db: Kysely<Database>) {}

  async find(meetingId: number): Promise<MeetingFacts | null> {
    const row = await this.db
      .selectFrom('meetings')
      .innerJoin('clubs', 'clubs.id', 'meetings.club_id')
      .select(['meetings.id', 'meetings.club_id', 'meetings.status', 'clubs.max_members'])
      .where('meetings.id', '=', meetingId)
      .executeTakeFirst();
    return row ? { id: row.id, clubId: row.club_id, status: row.status, clubCapacity: row.max_members } : null;
  }

  async transcriptionOptOut(userId: number): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('transcription_opt_out').where('id', '=', userId).executeTakeFirst();
    return row?.transcription_opt_out ?? false;
  }
}
