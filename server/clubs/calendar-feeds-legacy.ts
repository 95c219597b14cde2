// Addresses made before migration 0017: their token was an HMAC of the row's nonce under a key
// derived from the signing key, so they lasted only as long as that key. At start the server,
// which still has that key, seals each live one's token under the calendar feed key; from then
// on it no longer depends on the signing key. A row whose token cannot be made again (it was
// made under an earlier signing key) is left as it is: still served by its hash until it is
// reset or ends, and replaced by a new address when its member asks for it, as before 0017.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { SigningKeys } from '../../shared/auth/tokens.js';
import { feedTokenHash } from './calendar-feeds.js';
import { sealToken, type FeedKeyStore } from './calendar-feeds-key.js';

const BATCH = 500;

/** The key pre-0017 tokens were made with (an HMAC of the signing secret, never the secret itself). */
export function legacyFeedKey(keys: SigningKeys): Buffer {
  const secret = keys.alg === 'HS256' ? keys.secret : keys.privateKey.export({ type: 'pkcs8', format: 'der' });
  return createHmac('sha256', secret).update('roundtable calendar feed addresses').digest();
}

/** Seals the live pre-0017 tokens this signing key made; returns how many were sealed and how many were not its own. */
export async function sealLegacyFeeds(db: Kysely<Database>, keys: FeedKeyStore, legacyKey: Buffer): Promise<{ sealed: number; foreign: number }> {
  let sealed = 0;
  let foreign = 0;
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('calendar_feeds')
      .select(['id', 'nonce', 'token_hash'])
      .where('sealed_token', 'is', null)
      .where('nonce', 'is not', null)
      .where('revoked_at', 'is', null)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return { sealed, foreign };
    const key = await keys.key();
    for (const row of rows) {
      afterId = row.id;
      const token = createHmac('sha256', legacyKey).update(row.nonce ?? '').digest('base64url');
      if (feedTokenHash(token) !== row.token_hash) {
        foreign += 1;
        continue;
      }
      // Another node starting at the same time may have sealed it first; either seal opens to the
      // same token. The nonce stays: after a rollback of 0017 the old code makes the same token again.
      await db.updateTable('calendar_feeds').set({ sealed_token: sealToken(key, token) }).where('id', '=', row.id).where('sealed_token', 'is', null).execute();
      sealed += 1;
    }
  }
}
