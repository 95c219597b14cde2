import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { clientKey, MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from '../../server/http/rate-limit.js';
import { AppError } from '../../shared/errors.js';
import { requireServices } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

async function refusal(run: Promise<void>): Promise<AppError> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `expected a 429, got ${String(err)}`);
  assert.equal(err.code, 'rate_limited');
  return err;
}

/** The same checks on either store: the limit, Retry-After, keys and limiters apart, reset. */
function behavesAsALimiter(storeOf: () => RateLimitStore, windowMs: number): void {
  it('lets `limit` attempts through per key and window, then answers 429 with Retry-After', async () => {
    const store = storeOf();
    const name = `t-${randomBytes(8).toString('hex')}`;
    const limiter = store.limiter(name, 2, windowMs);
    await limiter.consume('k');
    await limiter.consume('k');
    const err = await refusal(limiter.consume('k'));
    const seconds = Number(err.headers['Retry-After']);
    assert.ok(seconds >= 1 && seconds <= Math.ceil(windowMs / 1000), `Retry-After ${seconds}`);
    assert.deepEqual(err.details, { retry_after: seconds });
    // Another key, and another limiter on the same key, count apart.
    await limiter.consume('other');
    await store.limiter(`${name}-2`, 1, windowMs).consume('k');
    // Reset starts the key's window over.
    await limiter.reset('k');
    await limiter.consume('k');
  });
}

describe('rate-limit keys and store', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:aa:bb:1:2:3:4'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:db8:aa:bb::9'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:0db8:00aa:00bb:ffff::1'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.notEqual(clientKey('2001:db8:aa:bc::1'), clientKey('2001:db8:aa:bb::1'));
  });

  it('counts hits per window and starts over when it ends', async () => {
    const limiter = new MemoryRateLimitStore().limiter('window', 1, 50);
    await limiter.consume('k');
    await refusal(limiter.consume('k'));
    // The library keeps its own time: wait for the window it ends, not for a duration.
    await waitFor(() => limiter.consume('k').then(() => true, () => false), 'the next window', 1000);
  });

  describe('in memory', () => behavesAsALimiter(() => new MemoryRateLimitStore(), 60_000));

  describe('in Redis', function () {
    let redis: Redis;
    before(function () {
      const { redis: url } = requireServices(this, 'redis');
      redis = new Redis(url);
    });
    after(() => redis?.disconnect());
    behavesAsALimiter(() => new RedisRateLimitStore(redis, `rt-test-${randomBytes(4).toString('hex')}:`), 60_000);

    it('refuses a window Redis cannot expire (under a second, or not whole seconds)', () => {
      const store = new RedisRateLimitStore(redis, 'rt-test:');
      assert.throws(() => store.limiter('short', 1, 500), /whole seconds/);
      assert.throws(() => store.limiter('odd', 1, 1500), /whole seconds/);
    });
  });
});
