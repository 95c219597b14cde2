// Which node carries a meeting's media. Alone, this node carries every meeting. With Redis,
// the first node to claim a meeting holds it while it keeps the claim fresh; a node that dies
// loses its claims when they expire, and the next join claims the meeting anew.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock, type Timer } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { MeetingLocator } from '../../signaling/ports.js';

export class LocalMeetingLocator implements MeetingLocator {
  async claim(): Promise<{ here: true }> {
    return { here: true };
  }

  async locate(): Promise<null> {
    return null;
  }

  close(): void {}
}

// A claim's value is "<node id> <url>": it is ours to keep when nobody holds it or this node does.
const KEEP = `local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, #ARGV[2]) == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const CLAIM_ATTEMPTS = 3;
const CLOSE_WAIT_MS = 1000;

export interface RedisLocatorOptions {
  redis: Redis;
  prefix: string;
  /** Where clients reach this node directly (known once the server listens). */
  url: () => string;
  /** Whether this node has the meeting's media open (or opening). */
  hosts: (meetingId: number) => boolean;
  /** Another node took a meeting this node still hosts (our claim had lapsed): end it here. */
  lost: (meetingId: number) => void;
  claimTtlMs: number;
  logger: Logger;
  /**
   * Paces the refreshes and dates the claims. Redis expires claims in real time, so anything
   * but the system clock must be moved at least as fast (tests move it by hand).
   */
  clock?: Clock;
}

const shuttingDown = () => new AppError('not_ready', 'This server is shutting down: join again in a moment');

export class RedisMeetingLocator implements MeetingLocator {
  private readonly node = randomUUID();
  /** Meetings claimed by this node, with when each claim was last made or kept. */
  private readonly claimed = new Map<number, number>();
  /** Claims being made right now: the refresh loop leaves them alone. */
  private readonly claiming = new Map<number, number>();
  private readonly clock: Clock;
  private readonly timer: Timer;
  private refreshing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: RedisLocatorOptions) {
    this.clock = options.clock ?? systemClock;
    // One refresh at a time: a slow Redis skips beats instead of piling them up.
    this.timer = this.clock.interval(() => {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    }, Math.max(200, Math.floor(options.claimTtlMs / 3)));
  }

  /** Resolves once the refresh under way, if any, is done. */
  async refreshed(): Promise<void> {
    await this.refreshing;
  }

  async claim(meetingId: number): Promise<{ here: true } | { here: false; url: string }> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      if (this.closed) throw shuttingDown();
      this.claiming.set(meetingId, (this.claiming.get(meetingId) ?? 0) + 1);
      let kept: unknown;
      try {
        kept = await this.keep(meetingId);
        if (kept === 1) this.claimed.set(meetingId, this.clock.now());
      } finally {
        const left = (this.claiming.get(meetingId) ?? 1) - 1;
        if (left > 0) this.claiming.set(meetingId, left);
        else this.claiming.delete(meetingId);
      }
      if (kept === 1) {
        if (!this.closed) return { here: true };
        await this.release(meetingId);
        throw shuttingDown();
      }
      const holder = await this.options.redis.get(this.key(meetingId));
      if (holder === null) continue; // released in between: try again
      const url = urlOf(holder);
      // Our own address under another identity: this node restarted and its old claim has not lapsed yet.
      if (url === this.options.url()) throw new AppError('not_ready', 'This meeting is moving between servers: join again in a few seconds', { retry_after_ms: this.options.claimTtlMs });
      return { here: false, url };
    }
    throw new AppError('not_ready', 'This meeting is changing servers: join again in a moment');
  }

  async locate(meetingId: number): Promise<string | null> {
    const holder = await this.options.redis.get(this.key(meetingId));
    if (!holder || holder.startsWith(`${this.node} `)) return null;
    const url = urlOf(holder);
    return url === this.options.url() ? null : url;
  }

  /** Gives up every claim (shutdown) so that the meetings may open elsewhere at once; claims no more. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer.cancel();
    // Claims lapse by themselves: an unreachable Redis must not hold the shutdown up.
    const releases = Promise.allSettled([...this.claimed.keys()].map((id) => this.release(id)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([releases, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private async refresh(): Promise<void> {
    try {
      for (const id of [...this.claimed.keys()]) {
        if (this.closed) return;
        const since = this.claimed.get(id);
        if (since === undefined || this.claiming.has(id)) continue;
        if (!this.options.hosts(id)) {
          // A claim just made may be waiting for its meeting to open: it gets one TTL.
          if (this.clock.now() - since > this.options.claimTtlMs) await this.releaseIfUnchanged(id, since);
          continue;
        }
        if ((await this.keep(id)) === 1) {
          if (this.claimed.get(id) === since) this.claimed.set(id, this.clock.now());
        } else if (this.claimed.get(id) === since && !this.claiming.has(id)) {
          this.claimed.delete(id);
          this.options.logger.warn({ meetingId: id }, 'another node holds a meeting this node was hosting; ending it here');
          this.options.lost(id);
        }
      }
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'could not refresh meeting claims');
    }
  }

  private keep(meetingId: number): Promise<unknown> {
    const { redis, claimTtlMs } = this.options;
    return redis.eval(KEEP, 1, this.key(meetingId), this.value(), `${this.node} `, String(claimTtlMs));
  }

  /** Lets go of a claim unless a new claim for the meeting came while we were deciding. */
  private async releaseIfUnchanged(meetingId: number, since: number): Promise<void> {
    if (this.claimed.get(meetingId) !== since || this.claiming.has(meetingId)) return;
    await this.release(meetingId);
  }

  private async release(meetingId: number): Promise<void> {
    this.claimed.delete(meetingId);
    await this.options.redis.eval(RELEASE, 1, this.key(meetingId), this.value());
  }

  private key(meetingId: number): string {
    return `${this.options.prefix}${meetingId}`;
  }

  private value(): string {
    return `${this.node} ${this.options.url()}`;
  }
}

function urlOf(holder: string): string {
  const space = holder.indexOf(' ');
  return space < 0 ? '' : holder.slice(space + 1);
}
