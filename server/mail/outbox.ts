// Outgoing mail is written to an outbox table in the same transaction as what caused it,
// then delivered by a dispatcher through SMTP when SMTP_URL is set. Without SMTP the mail
// stays in the outbox for the operator (`npm run mail:outbox`, see ./cli.ts): the log is not a
// mailbox, and a reset or activation link in it would be a credential anyone with the logs
// could use.
import { sql, type Kysely, type Transaction } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../../db/types.js';
import type { Logger } from '../../shared/logger.js';
import { SerialWorker } from '../serial-worker.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  body: string;
}

const MAX_ATTEMPTS = 5;
const CLAIM_SECONDS = 60;
const BATCH = 10;
/** Delivered (or abandoned) mail is kept this long as a record, then deleted. */
const KEEP_DAYS = 30;

export async function enqueueMail(trx: Transaction<Database> | Kysely<Database>, mail: OutgoingMail): Promise<void> {
  await trx.insertInto('mail_outbox').values({ recipient: mail.to, subject: mail.subject, body: mail.body }).execute();
}

export class MailDispatcher {
  private readonly transport: Transporter | null;
  private readonly worker: SerialWorker;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly options: { smtpUrl?: string; from: string; pollMs?: number },
  ) {
    this.transport = options.smtpUrl
      ? nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as Parameters<typeof nodemailer.createTransport>[0])
      : null;
    this.worker = new SerialWorker(
      () => this.drain(),
      (err) => this.logger.error({ err: err.message }, 'mail dispatch failed'),
    );
  }

  start(): void {
    if (!this.transport) {
      this.logger.warn('SMTP_URL is not set: mail waits in the outbox; `npm run mail:outbox` shows it');
      return;
    }
    this.worker.start(this.options.pollMs ?? 5000);
  }

  /** Deliver now (called after a commit that enqueued mail). */
  nudge(): void {
    if (!this.transport) {
      // Only that there is mail; what it says (a single-use link) never goes to the log.
      this.logger.info('mail waiting in the outbox (no SMTP_URL); `npm run mail:outbox` shows it');
      return;
    }
    this.worker.nudge();
  }

  /** Stops after the mail being sent; waits for it at most `waitMs`. */
  async close(waitMs = 5000): Promise<void> {
    await this.worker.stop(waitMs);
    this.transport?.close();
  }

  private async drain(): Promise<void> {
    await this.prune();
    while (!this.worker.stopped) {
      const batch = await this.claim();
      if (batch.length === 0) return;
      // Claimed mail left undelivered at close is picked up again when its claim expires.
      for (const mail of batch) if (!this.worker.stopped) await this.deliver(mail);
    }
  }

  // Claiming (rather than holding a lock while talking to SMTP) lets several nodes share
  // the outbox and keeps the database free while a slow mail server answers.
  private async claim() {
    const result = await sql<{ id: number; recipient: string; subject: string; body: string }>`
      UPDATE mail_outbox SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM mail_outbox
        WHERE sent_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING id, recipient, subject, body`.execute(this.db);
    return result.rows;
  }

  /** The outbox does not grow forever: old delivery records and mail that gave up go. */
  private async prune(): Promise<void> {
    await sql`DELETE FROM mail_outbox WHERE created_at < now() - make_interval(days => ${KEEP_DAYS})
      AND (sent_at IS NOT NULL OR attempts >= ${MAX_ATTEMPTS})`.execute(this.db);
  }

  private async deliver(mail: { id: number; recipient: string; subject: string; body: string }): Promise<void> {
    if (!this.transport) return;
    try {
      await this.transport.sendMail({ from: this.options.from, to: mail.recipient, subject: mail.subject, text: mail.body });
      // Once delivered, the body (which holds single-use links) is not kept.
      await this.db
        .updateTable('mail_outbox')
        .set({ sent_at: new Date(), delivered_via: 'smtp', last_error: null, body: '' })
        .where('id', '=', mail.id)
        .execute();
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      this.logger.warn({ mailId: mail.id, err: message }, 'mail delivery failed; will retry');
      await this.db.updateTable('mail_outbox').set({ last_error: message, claimed_until: new Date(Date.now() + 30_000) }).where('id', '=', mail.id).execute();
    }
  }
}
