// Single-use tokens mailed for activation and password reset. Only a hash is stored, so a
// leaked database does not hand out working links.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, EmailTokenPurpose } from '../../db/types.js';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  activation: 3 * 24 * 3600 * 1000,
  password_reset: 3600 * 1000,
};

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueEmailToken(
  trx: Transaction<Database> | Kysely<Database>,
  userId: number,
  purpose: EmailTokenPurpose,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  // A new link replaces older ones of the same purpose.
  await trx
    .updateTable('email_tokens')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await trx
    .insertInto('email_tokens')
    .values({ user_id: userId, purpose, token_hash: digest(token), expires_at: new Date(Date.now() + EMAIL_TOKEN_TTL_MS[purpose]) })
    .execute();
  return token;
}

/** Spends a token; true when it was valid, unspent, unexpired and for this user and purpose. */
export async function spendEmailToken(
  trx: Transaction<Database>,
  userId: number,
  purpose: EmailTokenPurpose,
  token: string,
): Promise<boolean> {
  const spent = await trx
    .updateTable('email_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', digest(token))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('id')
    .executeTakeFirst();
  return Boolean(spent);
}
