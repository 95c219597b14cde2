// One connected socket's state on this node: who it is, until when its token holds, its
// role in each club whose room it is in, and its rate limits.
import type { AccessClaims } from '../shared/auth/tokens.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Role } from '../shared/permissions.js';
import { TokenBucket } from './rate-limit.js';
import type { SignalingLimits, SignalingSocket } from './types.js';

// Typing indicators are cheap but chatty: a couple per second is plenty for a user.
const TYPING_PER_SECOND = 2;
const TYPING_BURST = 5;
// Media negotiation comes in bursts: joining a full meeting consumes and resumes every
// producer there (up to 3 per person), so it gets ten times the general rate instead of it.
const MEDIA_RATE_FACTOR = 10;

export interface CachedRole {
  role: Role;
  checkedAt: number;
}

export class ClientSession {
  readonly userId: number;
  sessionId: string;
  /** Seconds since the epoch, as in the token's `exp`. */
  expiresAt: number;
  /** Clubs whose room the socket is in (as a member or guest), with the role there. */
  readonly roles = new Map<number, CachedRole>();
  /** Public clubs followed without belonging to them. */
  readonly watching = new Set<number>();
  /** Clubs whose presence lists this socket. */
  readonly present = new Set<number>();
  /** Set once the login session is revoked: a socket still in its handshake is then refused. */
  revokedReason: string | null = null;
  /** Requests waiting for an answer: media negotiation is counted apart from the rest. */
  readonly inFlight = { events: 0, media: 0 };
  readonly buckets: Record<'events' | 'chat' | 'typing' | 'media', TokenBucket>;
  // While the handshake loads the user's clubs, club events that arrive are noted here so the
  // (older) database answer does not overwrite them.
  private syncing: Set<number> | null = null;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: SignalingSocket,
    claims: AccessClaims,
    limits: Pick<SignalingLimits, 'eventsPerSecond' | 'chatPerMinute'>,
    /** Refills the rate buckets. */
    clock: Clock = systemClock,
  ) {
    this.userId = claims.userId;
    this.sessionId = claims.sessionId;
    this.expiresAt = claims.expiresAt;
    this.buckets = {
      events: new TokenBucket(limits.eventsPerSecond, limits.eventsPerSecond * 2, clock),
      chat: new TokenBucket(limits.chatPerMinute / 60, Math.max(1, Math.min(limits.chatPerMinute, 10)), clock),
      typing: new TokenBucket(TYPING_PER_SECOND, TYPING_BURST, clock),
      media: new TokenBucket(limits.eventsPerSecond * MEDIA_RATE_FACTOR, limits.eventsPerSecond * MEDIA_RATE_FACTOR * 2, clock),
    };
  }

  get id(): string {
    return this.socket.id;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /**
   * Emits to this socket only, at once. (With connection state recovery on, a plain
   * socket.emit goes through the adapter's stream first, so a disconnect right after it
   * would overtake it.)
   */
  get direct() {
    return this.socket.nsp.local.to(this.socket.id);
  }

  /** Sets a role that a club event decided; wins over the database read in progress. */
  setRole(clubId: number, role: Role): void {
    this.syncing?.add(clubId);
    this.roles.set(clubId, { role, checkedAt: Date.now() });
  }

  dropRole(clubId: number): void {
    this.syncing?.add(clubId);
    this.roles.delete(clubId);
  }

  beginSync(): void {
    this.syncing = new Set();
  }

  /** Applies the clubs read at connect, except those club events changed meanwhile. */
  finishSync(clubs: Array<{ clubId: number; role: Role }>): void {
    const touched = this.syncing ?? new Set<number>();
    this.syncing = null;
    for (const { clubId, role } of clubs) if (!touched.has(clubId)) this.roles.set(clubId, { role, checkedAt: Date.now() });
  }

  /** A refreshed token for the same user: the socket lives on until the new expiry. */
  reauthenticate(claims: AccessClaims, onExpired: () => void): void {
    this.sessionId = claims.sessionId;
    this.expiresAt = claims.expiresAt;
    this.socket.data = { userId: this.userId, sessionId: claims.sessionId };
    this.armExpiry(onExpired);
  }

  armExpiry(onExpired: () => void): void {
    clearTimeout(this.expiryTimer);
    const ms = Math.max(0, this.expiresAt * 1000 - Date.now());
    this.expiryTimer = setTimeout(onExpired, ms);
    this.expiryTimer.unref();
  }

  end(): void {
    clearTimeout(this.expiryTimer);
  }
}
