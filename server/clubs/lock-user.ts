// Per-person limits (clubs owned, knocks waiting) are counted and inserted under the person's
// users row lock: their parallel requests queue there, so none passes a count another is
// about to change. Other people's requests do not wait. NO KEY UPDATE, not UPDATE: foreign-key
// checks on the row (a membership or knock being inserted for this person in a transaction that
// holds a club lock) take KEY SHARE, which this does not block, so no lock cycle can form.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';

export async function lockUser(trx: Transaction<Database>, userId: number): Promise<void> {
  const user = await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().executeTakeFirst();
  if (!user) throw new AppError('not_found', 'User not found');
}
