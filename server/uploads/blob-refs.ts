// File rows and the content-addressed blobs they point to. Identical uploads share one blob,
// so writing a row for a blob and removing a blob no row needs are serialized per digest by
// an advisory lock: an upload holds it from writing the blob until its row commits, and a
// removal holds it while it checks that no row is left and deletes the file. Whichever comes
// second sees the other's work: the removal sees the new row and keeps the blob, or the upload
// finds the blob gone and writes it again.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { BlobStore } from './store.js';

/** The first key of the two-key advisory lock; the second is a hash of the digest. */
const BLOB_LOCK = 0x626c6f62; // 'blob'

/** Sorted and without repeats, so two transactions always take the same locks in the same order. */
function lockOrder(digests: string[]): string[] {
  return [...new Set(digests)].sort();
}

async function lockBlobs(trx: Transaction<Database>, digests: string[]): Promise<void> {
  for (const sha256 of lockOrder(digests)) await sql`select pg_advisory_xact_lock(${BLOB_LOCK}::int4, hashtext(${sha256}))`.execute(trx);
}

/**
 * Writes each buffer's blob (again, if a removal took it meanwhile) and keeps it locked until
 * `trx` ends: call it inside the transaction that inserts the rows pointing to the blobs.
 */
export async function putBlobsForRows<T extends Buffer[]>(trx: Transaction<Database>, blobs: BlobStore, data: [...T]): Promise<{ [K in keyof T]: string }> {
  await lockBlobs(trx, data.map((d) => BlobStore.digest(d)));
  const digests: string[] = [];
  for (const d of data) digests.push(await blobs.put(d));
  // One digest per buffer, in their order: the tuple's shape.
  return digests as { [K in keyof T]: string };
}

/** Removes the blobs of these digests that no file row refers to any more. Call it after the rows' deletion commits. */
export async function removeUnreferencedBlobs(db: Kysely<Database>, blobs: BlobStore, digests: string[]): Promise<void> {
  for (const sha256 of lockOrder(digests)) {
    await db.transaction().execute(async (trx) => {
      await lockBlobs(trx, [sha256]);
      const still = await trx.selectFrom('files').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst();
      if (!still) await blobs.remove(sha256);
    });
  }
}
