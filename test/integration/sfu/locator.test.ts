// The Redis directory of which node holds a meeting, with two (or three) locators on one real
// Redis as two nodes would have: the first claim wins, a claim outlives the wait for its
// meeting to open, a lapsed claim taken by another node ends the meeting on the first, a
// restarted node waits for its old claim to lapse, and shutdown releases everything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisMeetingLocator } from '../../../server/meetings/locator.js';
import { createLogger } from '../../../shared/logger.js';
import { requireServices } from '../../helpers/services.js';

const TTL_MS = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('meetings: the Redis directory of nodes', function () {
  this.timeout(20_000);
  let redis: Redis;
  let prefix: string;
  const locators: RedisMeetingLocator[] = [];

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
    await sleep(TTL_MS * 3);
    assert.deepEqual(await b.locator.claim(1), { here: false, url: 'http://a.example:3000' }, 'a hosting node keeps its claim fresh');
  });

  it('keeps a claim while its meeting is still opening, and releases it once the meeting is gone', async () => {
    const a = node('http://a.example:3000');
    const b = node('http://b.example:3000');
    await a.locator.claim(2);
    await sleep(TTL_MS / 2); // a refresh runs while the meeting is not open yet
    assert.equal((await b.locator.claim(2)).here, false);
    a.hosted.add(2);
    await sleep(TTL_MS);
    a.hosted.delete(2);
    await sleep(TTL_MS * 2);
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
    await sleep(TTL_MS);
    assert.deepEqual(a.lost, [3], 'A ended its copy');
    assert.equal(await a.locator.locate(3), 'http://b.example:3000');
  });

  it('asks a restarted node to wait for its old claim to lapse, and never gives one meeting to two nodes with one URL', async () => {
    // The process died holding the claim; it comes back under a new identity at the same URL.
    await redis.set(`${prefix}4`, 'a-dead-node http://a.example:3000', 'PX', TTL_MS);
    const restarted = node('http://a.example:3000');
    await assert.rejects(restarted.locator.claim(4), (err: Error & { code?: string }) => err.code === 'not_ready');
    await sleep(TTL_MS + 100);
    assert.deepEqual(await restarted.locator.claim(4), { here: true });
    restarted.hosted.add(4);
    // A second live node misconfigured with the same URL does not take the meeting.
    const twin = node('http://a.example:3000');
    await assert.rejects(twin.locator.claim(4), (err: Error & { code?: string }) => err.code === 'not_ready');
    await sleep(TTL_MS);
    assert.deepEqual(restarted.lost, [], 'the holder kept it');
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
