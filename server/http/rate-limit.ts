// Fixed-window limits per key (an IP, an account, a club), counted by rate-limiter-flexible:
// in memory on one node, in Redis across nodes, so a limit holds however many nodes an
// attacker spreads over. One store serves every limiter of the server (logins, join passwords).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from '../../shared/errors.js';

/** Where limiters keep their counters. `name` keeps each limiter's keys apart. */
export interface RateLimitStore {
  limiter(name: string, limit: number, windowMs: number): RateLimiter;
  close(): void;
}

export class MemoryRateLimitStore implements RateLimitStore {
  limiter(name: string, limit: number, windowMs: number): RateLimiter {
    // The library drops each key when its window ends (an unref'd timer per key).
    return new RateLimiter(new RateLimiterMemory({ keyPrefix: name, points: limit, duration: windowMs / 1000 }), limit);
  }

  close(): void {}
}

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  limiter(name: string, limit: number, windowMs: number): RateLimiter {
    // Redis keys expire in whole seconds here (the library's EX); a shorter window would never expire.
    if (windowMs < 1000 || windowMs % 1000 !== 0) throw new Error(`rate limit "${name}": a Redis window must be whole seconds, got ${windowMs} ms`);
    return new RateLimiter(new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${this.prefix}${name}`, points: limit, duration: windowMs / 1000 }), limit);
  }

  close(): void {}
}

/**
 * The rate-limit key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber
 * usually holds a whole /64, so per-address keys would be free to multiply).
 */
export function clientKey(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1] as string;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class RateLimiter {
  constructor(
    private readonly counter: RateLimiterAbstract,
    readonly limit: number,
  ) {}

  /** Counts one attempt against `key`; throws 429 with Retry-After once over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.counter.consume(key);
    } catch (err) {
      // The library rejects with its result object when the limit is passed, with an Error otherwise.
      if (err instanceof RateLimiterRes) throw rateLimited(err.msBeforeNext / 1000);
      throw err;
    }
  }

  /** Starts the key's window over (a good login clears its account's failures). */
  async reset(key: string): Promise<void> {
    await this.counter.delete(key);
  }
}
