// The in-memory presence store holds nothing for a club nobody is online in any more, and a
// club's versions still only grow across that (clients keep the highest version they saw).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryPresenceStore } from '../../signaling/presence/store.js';

describe('memory presence store', () => {
  const CLUBS = 50;
  const socket = () => randomBytes(16).toString('hex');

  it('forgets a club once everyone in it has left, and its versions keep growing', async () => {
    const store = new MemoryPresenceStore();
    const clubIds = Array.from({ length: CLUBS }, (_, i) => 1000 + i);
    const [first, second] = [socket(), socket()];
    await store.enter(first, 7, clubIds);
    await store.enter(second, 8, clubIds.slice(0, 10));
    assert.equal(store.trackedClubs(), CLUBS);
    await store.leave(first, clubIds);
    assert.equal(store.trackedClubs(), 10, 'the clubs the second socket is still in');
    const lastSeen = await store.leave(second, clubIds.slice(0, 10));
    assert.equal(lastSeen.length, 10);
    assert.equal(store.trackedClubs(), 0);

    // An empty club lists no one at a version no lower than its last update, and coming back
    // online is announced at a higher one.
    const before = lastSeen.find((c) => c.clubId === 1000)!.version;
    const listed = await store.online(1000);
    assert.deepEqual(listed.online, []);
    assert.ok(listed.version >= before, `${listed.version} >= ${before}`);
    const [back] = await store.enter(socket(), 7, [1000]);
    assert.ok(back && back.version > before, `${back?.version} > ${before}`);
    assert.equal(store.trackedClubs(), 1);
  });

  it('forgets every club when the node drops its sockets', async () => {
    const store = new MemoryPresenceStore();
    await store.enter(socket(), 7, [1, 2, 3]);
    assert.equal((await store.drop()).length, 3);
    assert.equal(store.trackedClubs(), 0);
  });
});
