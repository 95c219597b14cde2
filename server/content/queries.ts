// Small pieces every content service shares.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';

/**
 * Locks the club row for the rest of the transaction. Writers of one club's ordered lists
 * (and its money) queue here, so positions, limits and totals are computed on settled data.
 */
export async function lockClub(db: Kysely<Database>, clubId: number) {
  return db
    .selectFrom('clubs')
    .select(['id', 'kind', 'season', 'renewed_at', 'created_at'])
    .where('id', '=', clubId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** A left-joined user, or null when the row has none (or the account is gone). */
export function userRef(id: number | null, username: string | null): { id: number; username: string } | null {
  return id !== null && username !== null ? { id, username } : null;
}

/** Today as 'YYYY-MM-DD' (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
