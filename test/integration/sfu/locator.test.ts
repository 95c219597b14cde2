// The Redis directory of which node holds a meeting, with two (or three) locators on one real
// Redis as two nodes would have: the first claim wins, a claim outlives the wait for its
// meeting to open, a lapsed claim taken by another node ends the meeting on the first, a
// restarted node waits for its old claim to lapse, and shutdown releases everything.
// The locators' refreshes run on a clock the test moves; Redis's own expiry runs in real
// time, so a claim's age is simulated by shortening its TTL in Redis.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisMeetingLocator } from '../../../server/meetings/locator.js';
import { createLogger } from '../../../shared/logger.js';
import { ManualClock } from '../../helpers/clock.js';
import { requireServices } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';

// Far longer than a test takes: no claim lapses unless the test makes it.
const TTL_MS = 30_000;

describe('meetings: the Redis directory of nodes', function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;
  let clock: ManualClock;
  const locators: RedisMeetingLocator[] = [];
  /** Moves every node's clock, one refresh period at a time, waiting for each refresh. */
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= TTL_MS / 3) {
      clock.advance(Math.min(left, TTL_MS / 3));
      await Promise.all(locators.map((l) => l.refreshed()));
    }
  };
  const ttlOf = (meetingId: number) => redis.pttl(`${prefix}${meetingId}`);

  interface Node {
    locator: RedisMeetingLocator;
    hosted: Set<number>;
    lost: number[];
  }
  const node = (url: string): Node => {
    const hosted = new Set<number>();
    const lost: number[] = [];
    const locator = new RedisMeetingLocator({
      redis,
      prefix,
      url: () => url,
      hosts: (id) => hosted.has(id),
      lost: (id) => {
        lost.push(id);
        hosted.delete(id);
      },
      claimTtlMs: TTL_MS,
      logger: createLogger('silent'),
      clock,
    });
    locators.push(locator);
    return { locator, hosted, lost };
  };

  before(async function () {
    const { redis: url } = requireServices(this, 'redis');
    redis = new Redis(url);
  });
  beforeEach(() => {
    prefix = `rt-test-${randomBytes(4).toString('hex')}:meeting:`;
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const locator of locators.splice(0)) await locator.close();
  });
  after(() => redis?.disconnect());

  it('gives a meeting to the first node that claims it and sends the others there', async () => {
    const a = node('http://a.example:3000');
    const b = node('http://b.example:3000');
    assert.deepEqual(await a.locator.claim(1), { here: true });
    a.hosted.add(1);
    assert.deepEqual(await b.locator.claim(1), { here: false, url: 'http://a.example:3000' });
    assert.equal(await b.locator.locate(1), 'http://a.example:3000');
    assert.equal(await a.locator.locate(1), null, 'a node is not sent to itself');
    // The claim has aged to its last second; a refresh renews it for a whole TTL.
    await redis.pexpire(`${prefix}1`, 1000);
    await advance(TTL_MS / 3);
    assert.ok((await ttlOf(1)) > TTL_MS / 2, 'a hosting node keeps its claim fresh');
    assert.deepEqual(await b.locator.claim(1), { here: false, url: 'http://a.example:3000' });
  });

  it('keeps a claim while its meeting is still opening, and releases it once the meeting is gone', async () => {
    const a = node('http://a.example:3000');
    const b = node('http://b.example:3000');
    await a.locator.claim(2);
    await advance(TTL_MS / 2); // a refresh runs while the meeting is not open yet
    assert.equal((await b.locator.claim(2)).here, false, 'a claim waiting for its meeting is kept');
    a.hosted.add(2);
    await advance(TTL_MS);
    a.hosted.delete(2);
    await advance(TTL_MS / 3);
    assert.equal((await b.locator.claim(2)).here, false, 'a claim is kept for one TTL after its meeting closes');
    await advance(TTL_MS);
    assert.deepEqual(await b.locator.claim(2), { here: true }, 'released after the meeting closed');
  });

  it('ends the meeting on a node whose lapsed claim another node took', async () => {
    const a = node('http://a.example:3000');
    const b = node('http://b.example:3000');
    await a.locator.claim(3);
    a.hosted.add(3);
    // A stalls (say Redis was unreachable) long enough for its claim to lapse, and B takes the meeting.
    await redis.del(`${prefix}3`);
    assert.deepEqual(await b.locator.claim(3), { here: true });
    b.hosted.add(3);
    assert.deepEqual(a.lost, [], 'nothing is noticed before a refresh');
    await advance(TTL_MS / 3);
    assert.deepEqual(a.lost, [3], 'A ended its copy');
    assert.deepEqual(b.lost, [], 'B kept it');
    assert.equal(await a.locator.locate(3), 'http://b.example:3000');
  });

  it('asks a restarted node to wait for its old claim to lapse, and never gives one meeting to two nodes with one URL', async () => {
    // The process died holding the claim; it comes back under a new identity at the same URL.
    await redis.set(`${prefix}4`, 'a-dead-node http://a.example:3000', 'PX', TTL_MS);
    const restarted = node('http://a.example:3000');
    await assert.rejects(restarted.locator.claim(4), (err: Error & { code?: string }) => err.code === 'not_ready');
    // The old claim reaches its end (Redis expires it: no clock of ours is involved).
    await redis.pexpire(`${prefix}4`, 50);
    await waitFor(async () => (await redis.exists(`${prefix}4`)) === 0, 'the old claim to lapse');
    assert.deepEqual(await restarted.locator.claim(4), { here: true });
    restarted.hosted.add(4);
    // A second live node misconfigured with the same URL does not take the meeting.
    const twin = node('http://a.example:3000');
    await assert.rejects(twin.locator.claim(4), (err: Error & { code?: string }) => err.code === 'not_ready');
    await advance(TTL_MS);
    assert.deepEqual(restarted.lost, [], 'the holder kept it');
    assert.ok((await redis.get(`${prefix}4`))?.endsWith(' http://a.example:3000'), 'and the claim is still there');
  });

  it('releases every claim at shutdown and claims nothing after', async () => {
    const a = node('http://a.example:3000');
    const b = node('http://b.example:3000');
    await a.locator.claim(5);
    a.hosted.add(5);
    await a.locator.close();
    assert.deepEqual(await b.locator.claim(5), { here: true });
    await assert.rejects(a.locator.claim(6), (err: Error & { code?: string }) => err.code === 'not_ready');
  });
});
