// Secret calendar addresses: one per member and club, polled by calendar apps that cannot sign
// in. The token in the address is random; it is looked up by its sha256, and kept otherwise
// only sealed under the calendar feed key (calendar-feeds-key.ts), so the same address can be
// handed out again, after a restart with another signing key too. An address answers only
// while its owner is still the member who asked for it: leaving, removal or a ban ends it, and
// so does joining again later. Reset and ended addresses are deleted after a retention period.
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { can } from '../../shared/permissions.js';
import type { CalendarFeedResponse } from '../../shared/protocol/calendar.js';
import { CLUB_COLUMNS, type ClubRow } from './access.js';
import type { MaintenanceTask } from '../maintenance.js';
import { sealToken, unsealToken, type FeedKeyStore } from './calendar-feeds-key.js';

export const FEED_PATH = '/api/calendar/feeds';

export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class CalendarFeeds {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly keys: FeedKeyStore,
    /** PUBLIC_URL, without a trailing slash; it may carry a path prefix. */
    private readonly publicUrl: string,
    /** Stamps revocations, which the retention period counts from. */
    private readonly clock: Clock,
  ) {}

  /** The member's live address for the club, made when there is none (or the last one died with a membership). */
  async current(clubId: number, userId: number): Promise<CalendarFeedResponse> {
    try {
      return await this.currentOnce(clubId, userId);
    } catch (err) {
      // Two first asks at once (a double click): the one that lost the insert reads the winner's address.
      if (uniqueViolation(err)) return this.currentOnce(clubId, userId);
      throw err;
    }
  }

  private async currentOnce(clubId: number, userId: number): Promise<CalendarFeedResponse> {
    const key = await this.keys.key();
    return this.db.transaction().execute(async (trx) => {
      const membership = await trx.selectFrom('memberships').select('joined_at').where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
      if (!membership) throw new AppError('not_found', 'Club not found');
      const live = await trx.selectFrom('calendar_feeds').select(['id', 'sealed_token', 'token_hash', 'created_at']).where('club_id', '=', clubId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      // A live row from an earlier membership, or one whose token cannot be shown again (made
      // before 0017 under an earlier signing key), is replaced.
      const shown = live && live.created_at >= membership.joined_at && live.sealed_token ? unsealToken(key, live.sealed_token) : null;
      if (live && shown !== null && feedTokenHash(shown) === live.token_hash) return this.response(shown, live.created_at);
      if (live) await trx.updateTable('calendar_feeds').set({ revoked_at: this.now() }).where('id', '=', live.id).execute();
      const token = randomBytes(32).toString('base64url');
      const made = await trx
        .insertInto('calendar_feeds')
        .values({ user_id: userId, club_id: clubId, token_hash: feedTokenHash(token), sealed_token: sealToken(key, token) })
        .returning('created_at')
        .executeTakeFirstOrThrow();
      return this.response(token, made.created_at);
    });
  }

  /** Ends the member's live address; the next `current` makes a new one. */
  async revoke(clubId: number, userId: number): Promise<void> {
    await this.db.updateTable('calendar_feeds').set({ revoked_at: this.now() }).where('club_id', '=', clubId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }

  /**
   * Marks live addresses whose membership has ended (left, removed, banned, or joined again
   * since) as revoked now, so that they age out like resets. They already answer 404: an ended
   * membership never serves its address again.
   */
  async closeEnded(): Promise<number> {
    const result = await this.db
      .updateTable('calendar_feeds as f')
      .set({ revoked_at: this.now() })
      .where('f.revoked_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('memberships as m')
              .select('m.user_id')
              .whereRef('m.club_id', '=', 'f.club_id')
              .whereRef('m.user_id', '=', 'f.user_id')
              .where('m.status', '=', 'active')
              .whereRef('m.joined_at', '<=', 'f.created_at'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Deletes the addresses revoked (or ended) more than `retentionMs` ago. */
  async deleteRevoked(retentionMs: number): Promise<number> {
    const cutoff = new Date(this.clock.now() - retentionMs);
    const result = await this.db.deleteFrom('calendar_feeds').where('revoked_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The club an address shows, or null when the address is unknown, revoked or its owner's membership ended. */
  async clubOf(token: string): Promise<ClubRow | null> {
    const row = await this.db
      .selectFrom('calendar_feeds as f')
      .innerJoin('memberships as m', (join) => join.onRef('m.club_id', '=', 'f.club_id').onRef('m.user_id', '=', 'f.user_id'))
      .innerJoin('clubs', 'clubs.id', 'f.club_id')
      .select(CLUB_COLUMNS)
      .select([sql<number>`clubs.total_money::float8`.as('total_money'), 'm.role as member_role'])
      .where('f.token_hash', '=', feedTokenHash(token))
      .where('f.revoked_at', 'is', null)
      .where('m.status', '=', 'active')
      .whereRef('m.joined_at', '<=', 'f.created_at')
      .executeTakeFirst();
    if (!row) return null;
    const { member_role, ...club } = row;
    return can(member_role, 'calendar.subscribe') ? club : null;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  private response(token: string, createdAt: Date): CalendarFeedResponse {
    const url = `${this.publicUrl}${FEED_PATH}/${token}.ics`;
    // webcal:// is http(s) to calendar apps; they pick https themselves where the server has it.
    return { url, webcal_url: url.replace(/^https?:/, 'webcal:'), created_at: createdAt.toISOString() };
  }
}

/** The maintenance task that closes ended addresses and deletes those revoked more than `retentionMs` ago. */
export function calendarFeedCleanup(feeds: CalendarFeeds, retentionMs: number): MaintenanceTask {
  return {
    name: 'calendar-feeds',
    run: async () => ({ ended: await feeds.closeEnded(), deleted: await feeds.deleteRevoked(retentionMs) }),
  };
}
