// Which node carries a meeting's media. Alone, this node carries every meeting. With Redis,
// the first node to claim a meeting holds it while it keeps the claim fresh; a node that dies
// loses its claims when they expire, and the next join claims the meeting anew.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
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

// Refreshes the claim if it is ours or free; never takes one another node holds.
const KEEP = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisLocatorOptions {
  redis: Redis;
  prefix: string;
  /** Where clients reach this node directly (known once the server listens). */
  url: () => string;
  /** The meetings whose media this node has open. */
  hosted: () => number[];
  claimTtlMs: number;
  logger: Logger;
}

export class RedisMeetingLocator implements MeetingLocator {
  private readonly node = randomUUID();
  private readonly claimed = new Set<number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RedisLocatorOptions) {
    this.timer = setInterval(() => void this.refresh(), Math.max(200, Math.floor(options.claimTtlMs / 3)));
    this.timer.unref();
  }

  async claim(meetingId: number): Promise<{ here: true } | { here: false; url: string }> {
    const { redis, claimTtlMs } = this.options;
    const key = this.key(meetingId);
    const mine = this.value();
    const kept = await redis.eval(KEEP, 1, key, mine, String(claimTtlMs));
    if (kept === 1) {
      this.claimed.add(meetingId);
      return { here: true };
    }
    const holder = await redis.get(key);
    // Released between the two calls: try once more rather than send the client nowhere.
    if (holder === null) return (await redis.set(key, mine, 'PX', claimTtlMs, 'NX')) ? (this.claimed.add(meetingId), { here: true }) : this.claim(meetingId);
    return { here: false, url: this.urlOf(holder) };
  }

  async locate(meetingId: number): Promise<string | null> {
    const holder = await this.options.redis.get(this.key(meetingId));
    if (!holder || holder === this.value()) return null;
    return this.urlOf(holder);
  }

  /** Gives up every claim (shutdown): the meetings may open elsewhere at once. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.claimed].map((id) => this.release(id)));
  }

  private async refresh(): Promise<void> {
    const hosted = new Set(this.options.hosted());
    try {
      for (const id of this.claimed) {
        if (!hosted.has(id)) await this.release(id);
        else await this.options.redis.eval(KEEP, 1, this.key(id), this.value(), String(this.options.claimTtlMs));
      }
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'could not refresh meeting claims');
    }
  }

  private async release(meetingId: number): Promise<void> {
    this.claimed.delete(meetingId);
    await this.options.redis.eval(RELEASE, 1, this.key(meetingId), this.value());
  }

  private key(meetingId: number): string {
    return `${this.options.prefix}${meetingId}`;
  }

  private value(): string {
    return JSON.stringify({ node: this.node, url: this.options.url() });
  }

  private urlOf(holder: string): string {
    try {
      const parsed = JSON.parse(holder) as { url?: unknown };
      if (typeof parsed.url === 'string') return parsed.url;
    } catch {
      // fall through
    }
    return '';
  }
}
