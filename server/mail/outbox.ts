// Outgoing mail is written to an outbox table in the same transaction as what caused it,
// then delivered by a dispatcher: through SMTP when SMTP_URL is set, otherwise to the log
// (so an operator without a mail server can still read activation links).
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
    this.worker.start(this.options.pollMs ?? 5000);
  }

  /** Deliver now (called after a commit that enqueued mail). */
  nudge(): void {
    this.worker.nudge();
  }

  /** Stops after the mail being sent; waits for it at most `waitMs`. */
  async close(waitMs = 5000): Promise<void> {
    await this.worker.stop(waitMs);
    this.transport?.close();
  }

  private async drain(): Promise<void> {
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

  private async deliver(mail: { id: number; recipient: string; subject: string; body: string }): Promise<void> {
    try {
      if (this.transport) {
        await this.transport.sendMail({ from: this.options.from, to: mail.recipient, subject: mail.subject, text: mail.body });
      } else {
        this.logger.info({ mailId: mail.id, to: mail.recipient, subject: mail.subject, text: mail.body }, 'mail (no SMTP_URL configured; delivered to the log)');
      }
      // Once delivered, the body (which holds single-use links) is not kept.
      await this.db
        .updateTable('mail_outbox')
        .set({ sent_at: new Date(), delivered_via: this.transport ? 'smtp' : 'log', last_error: null, body: '' })
        .where('id', '=', mail.id)
        .execute();
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      this.logger.warn({ mailId: mail.id, err: message }, 'mail delivery failed; will retry');
      await this.db.updateTable('mail_outbox').set({ last_error: message, claimed_until: new Date(Date.now() + 30_000) }).where('id', '=', mail.id).execute();
    }
  }
}
