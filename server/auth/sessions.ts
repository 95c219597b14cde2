// Login sessions and their rotating refresh tokens.
//
// A session is one chain of refresh tokens; each refresh spends the presented token and
// issues its child. Presenting a spent token means it was copied: the whole session (every
// descendant) is revoked. Access tokens carry the session id, so revoking a session also
// ends its access tokens: checked per request through a small cache that the bus clears
// on every node.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { AccessClaims, TokenService } from '../../shared/auth/tokens.js';
import type { TokenPair } from '../../shared/protocol/auth.js';

export interface SessionMeta {
  userAgent?: string;
  ip?: string;
}

interface CachedSession {
  userId: number;
  active: boolean;
  checkedAt: number;
}

const MAX_CACHED_SESSIONS = 50_000;

type RotateOutcome =
  | { kind: 'rotated'; userId: number; expiresAt: Date; tokenId: string }
  | { kind: 'reused'; userId: number }
  | { kind: 'rejected'; error: AppError };

export class SessionService {
  private readonly cache = new Map<string, CachedSession>();
  private readonly unsubscribe: () => void;
  // Bumped by every revocation heard. A database read that started before a revocation may
  // have seen the session still live; it is then used for this request but not cached.
  private revocations = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: TokenService,
    private readonly bus: Bus,
    private readonly cacheMs: number,
    /** Ages the cached answers. */
    private readonly clock: Clock = systemClock,
  ) {
    this.unsubscribe = bus.subscribe('session.revoked', ({ userId, sessionIds }) => {
      this.revocations += 1;
      if (sessionIds) {
        for (const id of sessionIds) this.cache.delete(id);
        return;
      }
      for (const [id, entry] of this.cache) if (entry.userId === userId) this.cache.delete(id);
    });
  }

  close(): void {
    this.unsubscribe();
  }

  async start(userId: number, meta: SessionMeta): Promise<TokenPair> {
    const sessionId = randomUUID();
    const tokenId = this.tokens.newTokenId();
    const expiresAt = new Date(Date.now() + this.tokens.refreshTtlSeconds * 1000);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('auth_sessions')
        .values({
          id: sessionId,
          user_id: userId,
          expires_at: expiresAt,
          user_agent: meta.userAgent?.slice(0, 300) ?? null,
          ip: meta.ip ?? null,
        })
        .execute();
      await trx.insertInto('refresh_tokens').values({ id: tokenId, session_id: sessionId, parent_id: null }).execute();
    });
    return this.issue(userId, sessionId, tokenId, expiresAt);
  }

  async rotate(refreshToken: string): Promise<TokenPair> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const outcome = await this.db.transaction().execute(async (trx): Promise<RotateOutcome> => {
      // Locking the session row serialises concurrent refreshes of one session.
      const session = await trx
        .selectFrom('auth_sessions')
        .innerJoin('users', 'users.id', 'auth_sessions.user_id')
        .select(['auth_sessions.user_id', 'auth_sessions.expires_at', 'auth_sessions.revoked_at', 'users.is_active'])
        .where('auth_sessions.id', '=', claims.sessionId)
        .forUpdate()
        .executeTakeFirst();
      if (!session || session.user_id !== claims.userId) {
        return { kind: 'rejected', error: new AppError('token_revoked', 'Session does not exist') };
      }
      if (session.revoked_at || !session.is_active) {
        return { kind: 'rejected', error: new AppError('token_revoked', 'Session has been revoked') };
      }
      if (session.expires_at.getTime() <= Date.now()) {
        return { kind: 'rejected', error: new AppError('token_expired', 'Session has expired; log in again') };
      }
      const spent = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: new Date() })
        .where('id', '=', claims.tokenId)
        .where('session_id', '=', claims.sessionId)
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!spent) {
        await trx
          .updateTable('auth_sessions')
          .set({ revoked_at: new Date(), revoke_reason: 'refresh_token_reuse' })
          .where('id', '=', claims.sessionId)
          .execute();
        return { kind: 'reused', userId: session.user_id };
      }
      const tokenId = this.tokens.newTokenId();
      await trx
        .insertInto('refresh_tokens')
        .values({ id: tokenId, session_id: claims.sessionId, parent_id: claims.tokenId })
        .execute();
      return { kind: 'rotated', userId: session.user_id, expiresAt: session.expires_at, tokenId };
    });
    if (outcome.kind === 'rejected') throw outcome.error;
    if (outcome.kind === 'reused') {
      await this.announce(outcome.userId, [claims.sessionId], 'refresh_token_reuse');
      throw new AppError('token_reused', 'Refresh token was already used; the session has been revoked');
    }
    return this.issue(outcome.userId, claims.sessionId, outcome.tokenId, outcome.expiresAt);
  }

  /** Ends one session (logout). Only the session's own user can end it. */
  async revoke(userId: number, sessionId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: new Date(), revoke_reason: reason })
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await this.announce(userId, [sessionId], reason);
  }

  /** Ends every session of a user (logout-all, password change), optionally keeping one. */
  async revokeAll(userId: number, reason: string, keepSessionId?: string): Promise<void> {
    let query = this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: new Date(), revoke_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepSessionId) query = query.where('id', '!=', keepSessionId);
    const revoked = await query.returning('id').execute();
    await this.announce(userId, keepSessionId ? revoked.map((r) => r.id) : null, reason);
  }

  /** Throws token_revoked unless the access token's session is still live. */
  async assertLive(claims: AccessClaims): Promise<void> {
    const now = this.clock.now();
    let entry = this.cache.get(claims.sessionId);
    if (!entry || now - entry.checkedAt > this.cacheMs) {
      const epoch = this.revocations;
      const row = await this.db
        .selectFrom('auth_sessions')
        .innerJoin('users', 'users.id', 'auth_sessions.user_id')
        .select(['auth_sessions.user_id', 'auth_sessions.revoked_at', 'auth_sessions.expires_at', 'users.is_active'])
        .where('auth_sessions.id', '=', claims.sessionId)
        .executeTakeFirst();
      const active = Boolean(row && !row.revoked_at && row.is_active && row.expires_at.getTime() > now);
      entry = { userId: row?.user_id ?? claims.userId, active, checkedAt: now };
      if (this.cacheMs > 0 && epoch === this.revocations) this.remember(claims.sessionId, entry);
    }
    if (!entry.active || entry.userId !== claims.userId) {
      throw new AppError('token_revoked', 'Session has been revoked');
    }
  }

  private remember(sessionId: string, entry: CachedSession): void {
    if (this.cache.size >= MAX_CACHED_SESSIONS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(sessionId, entry);
  }

  private async announce(userId: number, sessionIds: string[] | null, reason: string): Promise<void> {
    // Forget locally first so this node is correct even if the bus is slow.
    this.revocations += 1;
    if (sessionIds) for (const id of sessionIds) this.cache.delete(id);
    else for (const [id, entry] of this.cache) if (entry.userId === userId) this.cache.delete(id);
    await this.bus.publish('session.revoked', { userId, sessionIds, reason });
  }

  private async issue(userId: number, sessionId: string, tokenId: string, expiresAt: Date): Promise<TokenPair> {
    const [access, refresh] = await Promise.all([
      this.tokens.signAccess(userId, sessionId),
      this.tokens.signRefresh(userId, sessionId, tokenId, expiresAt),
    ]);
    return { access, refresh };
  }
}
