// Days a reader read, and the streaks they make. A streak is a run of consecutive days;
// the current one counts only while it ends today or yesterday (UTC), so a reader who has
// not logged today yet keeps their streak until the day is over.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { addDays, MAX_MINUTES_PER_DAY, utcDay, type ReadingStreak } from '../../shared/protocol/books.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Records a reading day; the same day again adds its minutes (capped at a whole day). */
export async function recordReadingDay(db: Db, userId: number, day: string, minutes: number): Promise<{ minutes: number; created: boolean }> {
  const row = await db
    .insertInto('reading_days')
    .values({ user_id: userId, day, minutes })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet({ minutes: sql`least(${MAX_MINUTES_PER_DAY}, reading_days.minutes + excluded.minutes)` }))
    // xmax is 0 only on a freshly inserted row version: tells "new day" from "added to a day".
    .returning(['minutes', sql<boolean>`xmax = 0`.as('created')])
    .executeTakeFirstOrThrow();
  return { minutes: row.minutes, created: row.created };
}

/** Gaps and islands: day minus its rank is constant within a run of consecutive days. */
export async function readingStreak(db: Db, userId: number, today: string = utcDay()): Promise<ReadingStreak> {
  const result = await sql<{ longest: number; last_day: string | null; current: number }>`
    with runs as (
      select max(day) as last_day, count(*)::int as length
      from (select day, day - (row_number() over (order by day))::int as run from reading_days where user_id = ${userId}) days
      group by run
    )
    select
      coalesce(max(length), 0)::int as longest,
      max(last_day) as last_day,
      coalesce((select length from runs where last_day = (select max(last_day) from runs) and last_day >= ${addDays(today, -1)}::date), 0)::int as current
    from runs`.execute(db);
  const row = result.rows[0];
  return { current: row?.current ?? 0, longest: row?.longest ?? 0, last_day: row?.last_day ?? null };
}
