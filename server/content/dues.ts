// Dues of a study group, per season. clubs.total_money is the sum of every paid due and is
// recomputed in the transaction that records one, under the club row lock.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { DuesEntry, DuesList, DuesRecord } from '../../shared/protocol/content.js';
import type { ClubEventPublisher } from '../features.js';
import { duesQuery, seasonTotal, toDuesEntry } from './dues-queries.js';
import { lockClub, today } from './queries.js';
import { requireStudyGroup } from './seasons.js';

function checkSeason(current: number, season: number): void {
  if (season > current) throw new AppError('not_found', `Season ${season} has not started (this is season ${current})`);
}

export class DuesService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  private async currentSeason(clubId: number): Promise<number> {
    const club = await this.db.selectFrom('clubs').select('season').where('id', '=', clubId).executeTakeFirstOrThrow();
    return club.season;
  }

  async list(clubId: number, season: number): Promise<DuesList> {
    // One snapshot for the rows and both totals, so a payment recorded meanwhile shows in all
    // of them or in none (read committed would give each statement its own snapshot).
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const club = await trx.selectFrom('clubs').select(['season', 'total_money']).where('id', '=', clubId).executeTakeFirstOrThrow();
        checkSeason(club.season, season);
        const rows = await duesQuery(trx, clubId, season).orderBy('u.username').execute();
        return {
          season,
          season_total: await seasonTotal(trx, clubId, season),
          total_money: Number(club.total_money),
          items: rows.map((r) => toDuesEntry(r, season)),
        };
      });
  }

  async mine(clubId: number, season: number, userId: number): Promise<DuesEntry> {
    checkSeason(await this.currentSeason(clubId), season);
    const row = await duesQuery(this.db, clubId, season).where('m.user_id', '=', userId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'You are not an active member of this club');
    return toDuesEntry(row, season);
  }

  async record(clubId: number, season: number, userId: number, actorId: number, input: DuesRecord): Promise<DuesEntry> {
    const { entry, existed } = await this.db.transaction().execute(async (trx) => {
      const club = await lockClub(trx, clubId);
      requireStudyGroup(club);
      checkSeason(club.season, season);
      const member = await trx.selectFrom('memberships').select('user_id').where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'active').executeTakeFirst();
      if (!member) throw new AppError('not_found', 'That person is not an active member of this club');
      const previous = await trx.selectFrom('club_dues').select('paid').where('club_id', '=', clubId).where('season', '=', season).where('user_id', '=', userId).executeTakeFirst();
      const values = {
        paid: input.paid,
        amount: input.amount,
        paid_on: input.paid ? (input.paid_on ?? today()) : null,
        recorded_by: actorId,
        recorded_at: new Date(),
      };
      await trx
        .insertInto('club_dues')
        .values({ club_id: clubId, season, user_id: userId, ...values })
        .onConflict((oc) => oc.columns(['club_id', 'season', 'user_id']).doUpdateSet(values))
        .execute();
      await trx
        .updateTable('clubs')
        .set({ total_money: sql`(SELECT coalesce(sum(amount), 0) FROM club_dues WHERE club_id = ${clubId} AND paid)` })
        .where('id', '=', clubId)
        .execute();
      const row = await duesQuery(trx, clubId, season).where('m.user_id', '=', userId).executeTakeFirstOrThrow();
      return { entry: toDuesEntry(row, season), existed: previous !== undefined };
    });
    // Amounts stay out of the event: every member hears it, but only moderators read all dues.
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'dues', action: existed ? 'updated' : 'created', id: userId, data: { season, user_id: userId } });
    return entry;
  }
}
