// Sign-up, login, email activation and password changes. HTTP-free: routes.ts adapts it.
import type { Kysely } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database, User } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { passwordIsPersonal, type SignUpBody, type TokenPair } from '../../shared/protocol/auth.js';
import { enqueueMail, type MailDispatcher } from '../mail/outbox.js';
import { issueEmailToken, spendEmailToken } from './email-tokens.js';
import { hashPassword, needsRehash, verifyDecoy, verifyPassword } from './passwords.js';
import type { SessionMeta, SessionService } from './sessions.js';

export interface AccountSettings {
  publicUrl: string;
  requireEmailVerification: boolean;
}

export interface CreatedUser {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
}

const CONFLICT_BY_INDEX: Record<string, AppError> = {
  users_username_unique: new AppError('username_taken', 'A user with that username already exists', [{ path: 'username', message: 'already taken' }]),
  users_email_unique: new AppError('email_taken', 'A user with that email already exists', [{ path: 'email', message: 'already taken' }]),
};

const invalidLink = () => new AppError('invalid_token', 'The link is invalid, used or expired');

export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: SessionService,
    private readonly mail: MailDispatcher,
    private readonly settings: AccountSettings,
  ) {}

  async signUp(body: SignUpBody): Promise<CreatedUser> {
    const passwordHash = await hashPassword(body.password);
    let user: CreatedUser;
    try {
      user = await this.db.transaction().execute(async (trx) => {
        const created = await trx
          .insertInto('users')
          .values({
            username: body.username,
            email: body.email,
            password_hash: passwordHash,
            first_name: body.first_name ?? '',
            last_name: body.last_name ?? '',
            interests: '[]',
            updated_at: new Date(),
          })
          .returning(['id', 'username', 'email', 'first_name', 'last_name'])
          .executeTakeFirstOrThrow();
        const token = await issueEmailToken(trx, created.id, 'activation');
        await enqueueMail(trx, {
          to: created.email,
          subject: 'Confirm your Roundtable account',
          body: `Hello ${created.username},\n\nconfirm your email address by opening:\n${this.link('activate', created.id, token)}\n\nThe link is valid for 3 days. If you did not sign up, ignore this message.\n`,
        });
        return created;
      });
    } catch (err) {
      const conflict = uniqueViolation(err);
      if (conflict) throw CONFLICT_BY_INDEX[conflict.constraint] ?? new AppError('username_taken', 'Account already exists');
      throw err;
    }
    this.mail.nudge();
    return user;
  }

  /** A stable key for the account a login names ("user:<id>"), or null when none matches. */
  async accountKey(identifier: string): Promise<string | null> {
    const user = await this.findByLogin(identifier);
    return user ? `user:${user.id}` : null;
  }

  async login(identifier: string, password: string, meta: SessionMeta): Promise<TokenPair> {
    const user = await this.findByLogin(identifier);
    const matches = user ? await verifyPassword(user.password_hash, password) : await verifyDecoy(password);
    if (!user || !matches || !user.is_active) {
      throw new AppError('invalid_credentials', 'No active account found with the given credentials');
    }
    if (this.settings.requireEmailVerification && !user.email_verified_at) {
      throw new AppError('email_not_verified', 'Confirm your email address before logging in');
    }
    if (needsRehash(user.password_hash)) {
      const upgraded = await hashPassword(password);
      await this.db.updateTable('users').set({ password_hash: upgraded }).where('id', '=', user.id).execute();
    }
    return this.sessions.start(user.id, meta);
  }

  async activate(uid: string, token: string): Promise<void> {
    const userId = Number(uid);
    const ok = await this.db.transaction().execute(async (trx) => {
      if (!(await spendEmailToken(trx, userId, 'activation', token))) return false;
      await trx.updateTable('users').set({ email_verified_at: new Date(), updated_at: new Date() }).where('id', '=', userId).execute();
      return true;
    });
    if (!ok) throw invalidLink();
  }

  /**
   * Mail requests answer at once and do their work afterwards, so neither the answer nor its
   * timing tells whether an account exists. Failures are logged.
   */
  requestMail(kind: 'activation' | 'password_reset', email: string, onError: (err: Error) => void): void {
    const work = kind === 'activation' ? this.resendActivation(email) : this.requestPasswordReset(email);
    work.catch(onError);
  }

  private async resendActivation(email: string): Promise<void> {
    const user = await this.findByEmail(email);
    if (!user || user.email_verified_at || !user.is_active) return;
    await this.db.transaction().execute(async (trx) => {
      const token = await issueEmailToken(trx, user.id, 'activation');
      await enqueueMail(trx, {
        to: user.email,
        subject: 'Confirm your Roundtable account',
        body: `Confirm your email address by opening:\n${this.link('activate', user.id, token)}\n`,
      });
    });
    this.mail.nudge();
  }

  private async requestPasswordReset(email: string): Promise<void> {
    const user = await this.findByEmail(email);
    if (!user || !user.is_active) return;
    await this.db.transaction().execute(async (trx) => {
      const token = await issueEmailToken(trx, user.id, 'password_reset');
      await enqueueMail(trx, {
        to: user.email,
        subject: 'Reset your Roundtable password',
        body: `Someone asked to reset the password of ${user.username}.\nTo choose a new password, open:\n${this.link('password/reset/confirm', user.id, token)}\n\nThe link is valid for one hour. If it was not you, ignore this message.\n`,
      });
    });
    this.mail.nudge();
  }

  async confirmPasswordReset(uid: string, token: string, newPassword: string): Promise<void> {
    const userId = Number(uid);
    // The token is checked before anything about the account is: an invalid link reveals
    // nothing (not whether the user exists, nor whether a guessed password is "personal").
    const ok = await this.db.transaction().execute(async (trx) => {
      if (!(await spendEmailToken(trx, userId, 'password_reset', token))) return false;
      const user = await trx.selectFrom('users').select(['username', 'email']).where('id', '=', userId).executeTakeFirstOrThrow();
      this.assertNotPersonal(newPassword, user); // throws: the transaction rolls back, the link stays usable
      const passwordHash = await hashPassword(newPassword);
      // Reading the mail proves the address, too.
      await trx
        .updateTable('users')
        .set((eb) => ({ password_hash: passwordHash, updated_at: new Date(), email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(new Date())) }))
        .where('id', '=', userId)
        .execute();
      return true;
    });
    if (!ok) throw invalidLink();
    await this.sessions.revokeAll(userId, 'password_reset');
  }

  /** Changes the password and ends every other session of the user. */
  async setPassword(userId: number, sessionId: string, current: string, next: string): Promise<void> {
    const user = await this.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    if (!(await verifyPassword(user.password_hash, current))) {
      throw new AppError('invalid_credentials', 'Current password is wrong');
    }
    this.assertNotPersonal(next, user);
    const passwordHash = await hashPassword(next);
    await this.db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
    await this.sessions.revokeAll(userId, 'password_changed', sessionId);
  }

  private assertNotPersonal(password: string, user: Pick<User, 'username' | 'email'>): void {
    if (passwordIsPersonal(password, user.username, user.email)) {
      throw new AppError('validation_failed', 'Invalid request: new_password: must not be the same as the username or email', [
        { path: 'new_password', message: 'must not be the same as the username or email', code: 'custom', rule: 'password_not_personal' },
      ]);
    }
  }

  private findByLogin(identifier: string): Promise<User | undefined> {
    const lowered = identifier.toLowerCase();
    return this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb(eb.fn('lower', ['username']), '=', lowered), eb(eb.fn('lower', ['email']), '=', lowered)]))
      .executeTakeFirst();
  }

  private findByEmail(email: string): Promise<User | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
  }

  private link(page: string, userId: number, token: string): string {
    return `${this.settings.publicUrl}/${page}/${userId}/${token}`;
  }
}
