// Reading goals: the select and the keyset-paginated list.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Page } from '../../shared/protocol/common.js';
import type { GoalListQuery, GoalResponse } from '../../shared/protocol/content.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { userRef } from './queries.js';

export function goalQuery(db: Kysely<Database>, clubId: number) {
  return db
    .selectFrom('club_goals as g')
    .leftJoin('users as u', 'u.id', 'g.done_by')
    .select([
      'g.id',
      'g.type',
      'g.title',
      'g.explanation',
      'g.starts_on',
      'g.ends_on',
      'g.done',
      'g.done_at',
      'g.created_at',
      'g.updated_at',
      'u.id as done_by_id',
      'u.username as done_by_username',
    ])
    .where('g.club_id', '=', clubId);
}

type GoalRow = Awaited<ReturnType<ReturnType<typeof goalQuery>['executeTakeFirstOrThrow']>>;

export function toGoal(row: GoalRow): GoalResponse {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    explanation: row.explanation,
    starts_on: row.starts_on,
    ends_on: row.ends_on,
    done: row.done,
    done_at: row.done_at?.toISOString() ?? null,
    done_by: userRef(row.done_by_id, row.done_by_username),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Undated goals sort after every dated one; the list indexes key on this same expression. */
const LAST_DAY = '9999-12-31';
const sortDay = sql<string>`coalesce(g.starts_on, ${LAST_DAY}::date)`;

/** Goals by start date (then id), undated ones last, optionally of one type or done state. */
export async function listGoals(db: Kysely<Database>, clubId: number, query: GoalListQuery): Promise<Page<GoalResponse>> {
  const after = decodeCursor(query.cursor, [cursorPart.date, cursorPart.id]);
  let q = goalQuery(db, clubId);
  if (query.type) q = q.where('g.type', '=', query.type);
  if (query.done !== undefined) q = q.where('g.done', '=', query.done);
  if (after) {
    const [startsOn, id] = after;
    q = q.where(sql<boolean>`(${sortDay}, g.id) > (${startsOn}::date, ${id})`);
  }
  const rows = await q.orderBy(sortDay).orderBy('g.id').limit(query.limit + 1).execute();
  return pageOf(rows, query.limit, (r) => [r.starts_on ?? LAST_DAY, r.id], toGoal);
}
