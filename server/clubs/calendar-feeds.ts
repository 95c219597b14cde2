// Secret calendar addresses: one per member and club, polled by calendar apps that cannot sign
// in. The token in the address is an HMAC of a random nonce under a server key, so the same
// address can be handed out again while the database keeps only its sha256 (and the nonce,
// useless without the key). An address answers only while its owner is still the member who
// asked for it: leaving, removal or a ban ends it, and so does joining again later.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { can } from '../../shared/permissions.js';
import type { CalendarFeedResponse } from '../../shared/protocol/calendar.js';
import { CLUB_COLUMNS, type ClubRow } from './access.js';

export const FEED_PATH = '/api/calendar/feeds';

export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class CalendarFeeds {
  constructor(
    private readonly db: Kysely<Database>,
    /** Secret bytes only this server knows (derived from its signing key). */
    private readonly key: Uint8Array,
    /** PUBLIC_URL, without a trailing slash; it may carry a path prefix. */
    private readonly publicUrl: string,
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
    return this.db.transaction().execute(async (trx) => {
      const membership = await trx.selectFrom('memberships').select('joined_at').where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
      if (!membership) throw new AppError('not_found', 'Club not found');
      const live = await trx.selectFrom('calendar_feeds').select(['id', 'nonce', 'token_hash', 'created_at']).where('club_id', '=', clubId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      // A live row from an earlier membership, or one made under another server key, is replaced.
      if (live && live.created_at >= membership.joined_at && feedTokenHash(this.tokenOf(live.nonce)) === live.token_hash) {
        return this.response(this.tokenOf(live.nonce), live.created_at);
      }
      if (live) await trx.updateTable('calendar_feeds').set({ revoked_at: sql`now()` }).where('id', '=', live.id).execute();
      const nonce = randomBytes(32).toString('base64url');
      const token = this.tokenOf(nonce);
      const made = await trx
        .insertInto('calendar_feeds')
        .values({ user_id: userId, club_id: clubId, nonce, token_hash: feedTokenHash(token) })
        .returning('created_at')
        .executeTakeFirstOrThrow();
      return this.response(token, made.created_at);
    });
  }

  /** Ends the member's live address; the next `current` makes a new one. */
  async revoke(clubId: number, userId: number): Promise<void> {
    await this.db.updateTable('calendar_feeds').set({ revoked_at: sql`now()` }).where('club_id', '=', clubId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
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

  private tokenOf(nonce: string): string {
    return createHmac('sha256', this.key).update(nonce).digest('base64url');
  }

  private response(token: string, createdAt: Date): CalendarFeedResponse {
    const url = `${this.publicUrl}${FEED_PATH}/${token}.ics`;
    // webcal:// is http(s) to calendar apps; they pick https themselves where the server has it.
    return { url, webcal_url: url.replace(/^https?:/, 'webcal:'), created_at: createdAt.toISOString() };
  }
}

/** The key feed tokens are made with, derived from the server's signing secret (never the secret itself). */
export function feedKey(signingSecret: Uint8Array): Buffer {
  return createHmac('sha256', signingSecret).update('roundtable calendar feed addresses').digest();
}
