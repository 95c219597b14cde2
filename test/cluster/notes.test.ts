// Shared notes on two nodes sharing one Postgres and one Redis: edits and presence made on
// either node reach the other, each update is stored once (by the node its author is on),
// and a node that loads a document while edits stream in on the other misses none of them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import type { NotesAccess } from '../../server/notes/connection.js';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { openProvider, policy, type NotesClient } from '../helpers/notes.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { requireServices } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

describe('shared notes on two nodes with Postgres and Redis', function () {
  this.timeout(60_000);
  const roles = new Map<number, NotesAccess>();
  let scratch: ScratchDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let alice: TestAccount;
  let bob: TestAccount;
  const open: Array<() => void> = [];
  const track = (c: NotesClient) => (open.push(() => c.close()), c);

  before(async function () {
    const services = requireServices(this, 'postgres', 'redis');
    scratch = await createScratchDatabase(services.postgres);
    // Frequent compactions, so that both nodes compact while the other writes.
    const env = { REDIS_PREFIX: `rt-cluster-${randomBytes(4).toString('hex')}:`, NOTES_MESSAGES_PER_SECOND: '0', NOTES_COMPACT_AFTER_UPDATES: '10' };
    nodeA = await startTestServer({ databaseUrl: scratch.url, env, notesAuthorizer: policy(roles) });
    nodeB = await startTestServer({ databaseUrl: scratch.url, env, notesAuthorizer: policy(roles) });
    [alice, bob] = await Promise.all([signUpAndLogin(nodeA.http), signUpAndLogin(nodeA.http)]);
    roles.set(alice.id, 'write');
    roles.set(bob.id, 'write');
  });
  afterEach(() => {
    for (const close of open.splice(0)) close();
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await scratch?.drop();
  });

  it('converges edits made on both nodes, carries presence across, and stores each update once', async () => {
    const a = track(await openProvider(nodeA, alice, 'test.two-nodes'));
    const b = track(await openProvider(nodeB, bob, 'test.two-nodes'));
    a.text.insert(0, 'Chapter 3. ');
    b.text.insert(0, 'Agenda: ');
    await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 'Chapter 3. Agenda: '.length, 'both nodes to converge');
    for (let i = 0; i < 20; i += 1) {
      const client = i % 2 ? a : b;
      client.text.insert(client.text.length, `${i};`);
    }
    const markers = (c: NotesClient) => (c.text.toString().match(/\d+;/g) ?? []).map((m) => parseInt(m, 10)).sort((x, y) => x - y);
    await waitFor(() => a.text.toString() === b.text.toString() && markers(a).length === 20, 'a burst from both sides');
    assert.deepEqual(markers(a), Array.from({ length: 20 }, (_, i) => i));

    // The name others see is the account's, whatever the client claims (set on node B, seen on node A).
    b.provider.awareness.setLocalStateField('user', { name: 'someone else entirely', color: '#aa3366' });
    const isBob = (state: { user?: { id?: number; name?: string; color?: string } }) => state.user?.id === bob.id && state.user.name === bob.username && state.user.color === '#aa3366';
    await waitFor(() => [...a.provider.awareness.getStates().values()].some(isBob), 'bob\'s presence on node A');
    b.close();
    await waitFor(() => ![...a.provider.awareness.getStates().values()].some(isBob), 'bob\'s presence to leave node A');

    // Each node stored what its own client typed, nothing it only relayed.
    const storeA = nodeA.app.notesStore;
    const storeB = nodeB.app.notesStore;
    await storeA?.flush();
    await storeB?.flush();
    assert.equal(storeA?.committed.get('test.two-nodes'), 11, 'alice\'s 11 edits, stored by node A only');
    assert.equal(storeB?.committed.get('test.two-nodes'), 11, 'bob\'s 11 edits, stored by node B only');
    const stored = await storeB?.load('test.two-nodes');
    assert.equal(stored?.doc.getText('minutes').toString(), a.text.toString());
    stored?.doc.destroy();
  });

  it('keeps every edit when both nodes compact the same document while the other writes', async () => {
    const a = track(await openProvider(nodeA, alice, 'test.compacting'));
    const b = track(await openProvider(nodeB, bob, 'test.compacting'));
    for (let i = 0; i < 120; i += 1) {
      const client = i % 2 ? a : b;
      client.text.insert(client.text.length, `${i};`);
      if (i % 7 === 0 && client.text.length > 10) client.text.delete(0, 2);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 15)); // let group commits and compactions run
    }
    await waitFor(() => a.text.toString() === b.text.toString() && Y.encodeStateVector(a.doc).join() === Y.encodeStateVector(b.doc).join(), 'both nodes to converge');
    await nodeA.app.notesStore?.flush();
    await nodeB.app.notesStore?.flush();
    const snapshot = await nodeA.app.database.db.selectFrom('notes_snapshots').select('upto_seq').where('doc', '=', 'test.compacting').executeTakeFirst();
    assert.ok(snapshot && snapshot.upto_seq > 0, 'the log was compacted');
    for (const node of [nodeA, nodeB]) {
      const stored = await node.app.notesStore?.load('test.compacting');
      assert.equal(stored?.doc.getText('minutes').toString(), a.text.toString());
      stored?.doc.destroy();
    }
  });

  it('a node that loads the document while edits stream in on the other misses none of them', async () => {
    for (let round = 0; round < 5; round += 1) {
      const docName = `test.stream-${round}`;
      const writer = track(await openProvider(nodeA, alice, docName));
      let sent = 0;
      const typing = setInterval(() => {
        writer.text.insert(writer.text.length, `${sent};`);
        sent += 1;
      }, 1);
      try {
        await new Promise((r) => setTimeout(r, 30 + round * 40));
        // Node B has never loaded this document: it loads it now, mid-stream.
        const reader = track(await openProvider(nodeB, bob, docName));
        await new Promise((r) => setTimeout(r, 150));
        clearInterval(typing);
        await waitFor(() => reader.text.toString() === writer.text.toString(), `node B to hold all ${sent} edits (round ${round})`);
        const markers = reader.text.toString().split(';').filter(Boolean).map(Number);
        assert.deepEqual(markers, Array.from({ length: sent }, (_, i) => i));
        assert.deepEqual(Y.encodeStateVector(reader.doc), Y.encodeStateVector(writer.doc));
      } finally {
        clearInterval(typing);
      }
    }
  });
});
