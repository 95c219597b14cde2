// The per-user storage quota, checked and used in one step. Under a per-user lock held until
// the transaction ends, the bytes already stored are summed and the new rows inserted, so two
// parallel uploads can never both see the same free room. Nothing is reserved ahead: a refused
// or failed upload costs nothing, and a deleted file's bytes are free again at once.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';

/** The first key of the two-key advisory lock; the second is the user id. */
const QUOTA_LOCK = 0x71756f74; // 'quot'

/**
 * Takes the user's quota lock for the rest of `trx` and says whether `bytes` more fit.
 * Call it before writing anything the quota covers, inside the transaction that writes it.
 */
export async function claimQuota(trx: Transaction<Database>, ownerId: number, bytes: number, quotaBytes: number): Promise<boolean> {
  await sql`select pg_advisory_xact_lock(${QUOTA_LOCK}::int4, ${ownerId}::int4)`.execute(trx);
  const row = await trx
    .selectFrom('files')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('used'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(row?.used ?? 0) + bytes <= quotaBytes;
}
