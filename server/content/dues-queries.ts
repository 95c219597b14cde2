// Reading dues: one row per active member, paid or not, for one season.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { DuesEntry } from '../../shared/protocol/content.js';
import { userRef } from './queries.js';

export function duesQuery(db: Kysely<Database>, clubId: number, season: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('club_dues as d', (join) => join.onRef('d.club_id', '=', 'm.club_id').onRef('d.user_id', '=', 'm.user_id').on('d.season', '=', season))
    .leftJoin('users as r', 'r.id', 'd.recorded_by')
    .select(['u.id', 'u.username', 'u.nickname', 'd.paid', 'd.amount', 'd.paid_on', 'd.recorded_at', 'r.id as recorder_id', 'r.username as recorder_username'])
    .where('m.club_id', '=', clubId)
    .where('m.status', '=', 'active');
}

type DuesRow = Awaited<ReturnType<ReturnType<typeof duesQuery>['executeTakeFirstOrThrow']>>;

/** A member with nothing recorded reads as unpaid, amount 0. */
export function toDuesEntry(row: DuesRow, season: number): DuesEntry {
  return {
    user: { id: row.id, username: row.username, nickname: row.nickname },
    season,
    paid: row.paid ?? false,
    amount: row.amount ?? 0,
    paid_on: row.paid_on ?? null,
    recorded_by: userRef(row.recorder_id, row.recorder_username),
    recorded_at: row.recorded_at?.toISOString() ?? null,
  };
}

/** Paid dues of one season, members who left included: the money came in all the same. */
export async function seasonTotal(db: Kysely<Database>, clubId: number, season: number): Promise<number> {
  const { total } = await db
    .selectFrom('club_dues')
    .select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('club_id', '=', clubId)
    .where('season', '=', season)
    .where('paid', '=', true)
    .executeTakeFirstOrThrow();
  return Number(total);
}
