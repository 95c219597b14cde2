import assert from 'node:assert/strict';
import { clientKey, MemoryRateLimitStore } from '../../server/http/rate-limit.js';

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
    const store = new MemoryRateLimitStore();
    try {
      assert.equal((await store.hit('k', 50)).count, 1);
      assert.equal((await store.hit('k', 50)).count, 2);
      await new Promise((r) => setTimeout(r, 60));
      assert.equal((await store.hit('k', 50)).count, 1);
    } finally {
      store.close();
    }
  });
});
