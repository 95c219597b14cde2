// Presence (awareness) through the official y-websocket provider and hostile raw clients: a
// connection speaks only for the client ids it introduced, names come from the accounts, and
// states and id counts are capped; a client that stops reading is closed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { openProvider, policy, until, type NotesClient } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { awarenessUpdate, openRaw } from './raw-socket.js';

const AWARENESS = 1;
type State = { user?: { name?: string; id?: number; color?: string }; marker?: string };

describe('notes presence: who may speak for whom', function () {
  this.timeout(30_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  const open: Array<() => void> = [];
  const track = (c: NotesClient) => (open.push(() => c.close()), c);

  before(async () => {
    server = await startTestServer({ notesAuthorizer: policy(roles) });
    [alice, bob, carol] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    roles.set(alice.id, 'write');
    roles.set(bob.id, 'write');
    roles.set(carol.id, 'read');
  });
  afterEach(() => {
    for (const close of open.splice(0)) close();
  });
  after(() => server.close());

  const stateOf = (viewer: NotesClient, clientId: number) => viewer.provider.awareness.getStates().get(clientId) as State | undefined;

  it('shows the account name and id, keeps the client\'s color, and refuses a reader\'s forged or removing update for someone else', async () => {
    const doc = `test.presence-${randomBytes(4).toString('hex')}`;
    const a = track(await openProvider(server, alice, doc));
    const b = track(await openProvider(server, bob, doc));
    const aliceId = a.doc.clientID;
    a.provider.awareness.setLocalStateField('user', { name: 'Somebody Else', color: '#ff0000' });
    await until(() => stateOf(b, aliceId)?.user?.color === '#ff0000', 'alice\'s presence at bob');
    assert.deepEqual(stateOf(b, aliceId)?.user, { name: alice.username, id: alice.id, color: '#ff0000' }, 'the name is the account\'s');

    const reader = await openRaw(server, doc, carol.access);
    const aliceClock = a.provider.awareness.meta.get(aliceId)?.clock ?? 0;
    const carolId = 0x7fff_0000 + Math.floor(Math.random() * 0xffff);
    const forged = randomBytes(16).toString('hex');
    reader.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[aliceId, aliceClock + 10, { user: { name: forged, color: '#000000' }, marker: forged }]])));
    const own = randomBytes(16).toString('hex');
    reader.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[carolId, 1, { user: { name: forged }, marker: own }]])));
    // Positive control: the reader's own presence arrives, under the reader's real name.
    await until(() => stateOf(b, carolId)?.marker === own, 'the reader\'s own presence at bob');
    assert.deepEqual(stateOf(b, carolId)?.user, { name: carol.username, id: carol.id });
    assert.equal(stateOf(b, aliceId)?.user?.name, alice.username, 'alice was not forged');
    assert.notEqual(stateOf(b, aliceId)?.marker, forged);

    // Making alice vanish: a removal (null state) for her id, then a control.
    const own2 = randomBytes(16).toString('hex');
    reader.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[aliceId, aliceClock + 20, null]])));
    reader.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[carolId, 2, { marker: own2 }]])));
    await until(() => stateOf(b, carolId)?.marker === own2, 'the reader\'s second presence at bob');
    assert.ok(stateOf(b, aliceId), 'alice is still present at bob');
    reader.ws.close();
  });

  it('closes a connection that introduces too many client ids or sends an oversized state', async () => {
    const doc = `test.presence-caps-${randomBytes(4).toString('hex')}`;
    const watcher = track(await openProvider(server, bob, doc));
    const many = await openRaw(server, doc, carol.access);
    const base = 0x7ffe_0000 + Math.floor(Math.random() * 0xffff);
    const ids = [0, 1, 2, 3, 4].map((i) => base + i);
    many.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate(ids.map((id) => [id, 1, { n: id }]))));
    assert.deepEqual(await many.closed, { code: 1008, reason: 'too many awareness client ids' });
    await until(() => ids.every((id) => !watcher.provider.awareness.getStates().has(id)), 'the closed connection\'s states to be gone');

    const big = await openRaw(server, doc, carol.access);
    big.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[base + 10, 1, { blob: 'x'.repeat(9000) }]])));
    assert.deepEqual(await big.closed, { code: 1009, reason: 'awareness state too large' });
    // A state within the limit still passes.
    const fine = await openRaw(server, doc, carol.access);
    const marker = randomBytes(16).toString('hex');
    fine.send(AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessUpdate([[base + 11, 1, { marker, pad: 'x'.repeat(4000) }]])));
    await until(() => (watcher.provider.awareness.getStates().get(base + 11) as State | undefined)?.marker === marker, 'a normal state');
    fine.ws.close();
  });
});

describe('notes: a client that stops reading', function () {
  this.timeout(60_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ notesAuthorizer: policy(roles), env: { NOTES_MAX_SEND_QUEUE_BYTES: String(256 * 1024) } });
  });
  after(() => server.close());

  it('is closed once its send queue passes the limit, with a close code and reason, while writers go on', async () => {
    const [writer, reader] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    roles.set(writer.id, 'write');
    roles.set(reader.id, 'read');
    const doc = `test.stalled-${randomBytes(4).toString('hex')}`;
    const stalled = await openRaw(server, doc, reader.access);
    await until(() => stalled.received.length > 0, 'the stalled reader\'s greeting');
    stalled.ws.pause(); // stops reading from the socket: the server's queue for it grows
    const source = await openRaw(server, doc, writer.access);
    const ydoc = new Y.Doc();
    const updates: Uint8Array[] = [];
    ydoc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 120; i += 1) {
      ydoc.getText('minutes').insert(0, randomBytes(96 * 1024).toString('hex')); // 192 KiB each
      const update = updates.shift() as Uint8Array;
      source.send(0, (e) => syncProtocol.writeUpdate(e, update));
      if (server.logs.some((l) => l.includes('send queue limit exceeded'))) break;
      await new Promise((r) => setImmediate(r));
    }
    await until(() => server.logs.some((l) => l.includes('send queue limit exceeded') && l.includes(doc)), 'the server to close the stalled reader', 20_000);
    stalled.ws.resume();
    assert.deepEqual(await stalled.closed, { code: 1008, reason: 'send queue limit exceeded' });
    // The writer was not disturbed: a new reader syncs its text.
    const check = await openProvider(server, reader, doc);
    assert.equal(check.text.length, ydoc.getText('minutes').length);
    check.close();
    source.ws.close();
    ydoc.destroy();
  });
});
