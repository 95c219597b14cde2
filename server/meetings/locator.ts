// Which node carries a meeting's media. Alone, this node carries every meeting. With Redis,
// the first node to claim a meeting holds it while it keeps the claim fresh; a node that dies
// loses its claims when they expire, and the next join claims the meeting anew.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
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

// A claim's value is "<node id> <url>". It is ours, or free to take, when nobody holds it, when
// this node holds it, or when it names our URL under another node id (this node restarted).
const KEEP = `local v = redis.call('GET', KEYS[1])
local space = v and string.find(v, ' ', 1, true)
if not v or string.sub(v, 1, #ARGV[2]) == ARGV[2] or (space and string.sub(v, space + 1) == ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

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
}

export class RedisMeetingLocator implements MeetingLocator {
  private readonly node = randomUUID();
  /** Meetings claimed by this node, with when each claim was last made or kept. */
  private readonly claimed = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: RedisLocatorOptions) {
    this.timer = setInterval(() => void this.refresh(), Math.max(200, Math.floor(options.claimTtlMs / 3)));
    this.timer.unref();
  }

  async claim(meetingId: number): Promise<{ here: true } | { here: false; url: string }> {
    if (this.closed) throw new AppError('not_ready', 'This server is shutting down: join again in a moment');
    if ((await this.keep(meetingId)) === 1) {
      this.claimed.set(meetingId, Date.now());
      return { here: true };
    }
    const holder = await this.options.redis.get(this.key(meetingId));
    // Released between the two calls: try again rather than send the client nowhere.
    if (holder === null) return this.claim(meetingId);
    return { here: false, url: urlOf(holder) };
  }

  async locate(meetingId: number): Promise<string | null> {
    const holder = await this.options.redis.get(this.key(meetingId));
    if (!holder || holder.startsWith(`${this.node} `)) return null;
    return urlOf(holder);
  }

  /** Gives up every claim (shutdown) so that the meetings may open elsewhere at once; claims no more. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all([...this.claimed.keys()].map((id) => this.release(id)));
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    try {
      for (const [id, since] of [...this.claimed]) {
        if (!this.options.hosts(id)) {
          // A claim just made may be waiting for its meeting to open: it gets one TTL.
          if (now - since > this.options.claimTtlMs) await this.release(id);
          continue;
        }
        if ((await this.keep(id)) === 1) {
          this.claimed.set(id, now);
        } else {
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
    const { redis, claimTtlMs, url } = this.options;
    return redis.eval(KEEP, 1, this.key(meetingId), this.value(), `${this.node} `, url(), String(claimTtlMs));
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
