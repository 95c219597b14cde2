// Join-password guesses are limited per person, per client address and per club before any
// argon2 work is done: each verification costs ~10 ms of CPU and 19 MiB, so unlimited guesses
// would both crack short passwords and slow everyone's logins. The counters live in the same
// store as the login limits (Redis when configured), so they hold across nodes.
import { Counter, type Registry } from 'prom-client';
import { verifyPassword } from '../auth/passwords.js';
import { clientKey, type RateLimiter, type RateLimitStore } from '../http/rate-limit.js';

export interface JoinPasswordLimits {
  perUser: number;
  perIp: number;
  perClub: number;
  windowSeconds: number;
}

export interface JoinPasswordAttempt {
  clubId: number;
  userId: number;
  ip: string;
}

export class JoinPasswordGuard {
  private readonly perUser: RateLimiter;
  private readonly perIp: RateLimiter;
  private readonly perClub: RateLimiter;
  private readonly checks: Counter<'outcome'>;

  constructor(store: RateLimitStore, limits: JoinPasswordLimits, metrics: Registry) {
    const windowMs = limits.windowSeconds * 1000;
    this.perUser = store.limiter('join-password-user', limits.perUser, windowMs);
    this.perIp = store.limiter('join-password-ip', limits.perIp, windowMs);
    this.perClub = store.limiter('join-password-club', limits.perClub, windowMs);
    this.checks = new Counter({
      name: 'roundtable_join_password_checks_total',
      help: 'Club join-password guesses: verified (right or wrong) or refused by the rate limit before verifying',
      labelNames: ['outcome'],
      registers: [metrics],
    });
  }

  /** Counts the guess (429 once a limit is passed), then verifies it. */
  async verify(attempt: JoinPasswordAttempt, storedHash: string, password: string): Promise<boolean> {
    try {
      // Narrowest first: someone already over their own limit does not use up the club's.
      await this.perUser.consume(`${attempt.userId}`);
      await this.perIp.consume(clientKey(attempt.ip));
      await this.perClub.consume(`${attempt.clubId}`);
    } catch (err) {
      this.checks.inc({ outcome: 'limited' });
      throw err;
    }
    const right = await verifyPassword(storedHash, password);
    this.checks.inc({ outcome: right ? 'right' : 'wrong' });
    return right;
  }

  /** Starts every window of this attempt over (for operators lifting a lockout, and tests). */
  async reset(attempt: JoinPasswordAttempt): Promise<void> {
    await Promise.all([this.perUser.reset(`${attempt.userId}`), this.perIp.reset(clientKey(attempt.ip)), this.perClub.reset(`${attempt.clubId}`)]);
  }
}
