// The operator's side of the outbox, for a server without SMTP: read the mail waiting there
// (activation and reset links to pass on by hand) and mark it handed over, which also drops
// its body.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';

export interface PendingMail {
  id: number;
  recipient: string;
  subject: string;
  body: string;
  created_at: Date;
}

/** Mail not yet delivered, oldest first, at most `limit`. */
export function pendingMail(db: Kysely<Database>, limit: number): Promise<PendingMail[]> {
  return db
    .selectFrom('mail_outbox')
    .select(['id', 'recipient', 'subject', 'body', 'created_at'])
    .where('sent_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Marks mail as handed over by the operator (all pending mail when `ids` is 'all'); returns how many. */
export async function markHandedOver(db: Kysely<Database>, ids: number[] | 'all'): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let query = db.updateTable('mail_outbox').set({ sent_at: new Date(), delivered_via: 'operator', body: '', last_error: null }).where('sent_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function formatMail(mail: PendingMail): string {
  return [`--- mail ${mail.id}, queued ${mail.created_at.toISOString()}`, `To: ${mail.recipient}`, `Subject: ${mail.subject}`, '', mail.body, ''].join('\n');
}
