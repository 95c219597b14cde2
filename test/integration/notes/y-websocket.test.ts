// Shared notes through the official y-websocket WebsocketProvider against a real server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { openProvider, policy } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

function rawSocket(server: TestServer, pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status?: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}${pathAndQuery}`, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({}));
  });
}

describe('shared notes over y-websocket', function () {
  this.timeout(30_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  const open: Array<() => void> = [];
  const track = <T extends { close: () => void }>(p: T) => (open.push(p.close), p);

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

  it('two writers converge', async () => {
    const a = track(await openProvider(server, alice, 'test.converge'));
    const b = track(await openProvider(server, bob, 'test.converge'));
    a.text.insert(0, 'Chapter 3: ');
    b.text.insert(0, 'Agenda. ');
    await waitFor(() => a.text.toString() === b.text.toString() && a.text.length === 'Chapter 3: Agenda. '.length, 'convergence');
    b.text.insert(b.text.length, 'Who is the narrator?');
    await waitFor(() => a.text.toString().endsWith('Who is the narrator?'), 'second edit');
  });

  it('a reader sees edits and shares presence, but the server drops the reader\'s changes', async () => {
    const writer = track(await openProvider(server, alice, 'test.readonly'));
    writer.text.insert(0, 'Decisions: meet on Friday.');
    const reader = track(await openProvider(server, carol, 'test.readonly'));
    await waitFor(() => reader.text.toString() === 'Decisions: meet on Friday.', 'reader sees the text');
    reader.provider.awareness.setLocalStateField('user', { name: 'carol' });
    await waitFor(() => [...writer.provider.awareness.getStates().values()].some((s) => s.user?.name === carol.username && s.user?.id === carol.id), 'reader presence (the account name, not the claimed one)');
    // The reader's edit does not arrive, while the writer's later one does (made once the
    // reader's next message, its presence, had reached the writer).
    const observer = track(await openProvider(server, bob, 'test.readonly'));
    reader.text.insert(0, 'VANDALISM ');
    reader.provider.awareness.setLocalStateField('cursor', { index: 0 });
    await waitFor(() => [...writer.provider.awareness.getStates().values()].some((s) => s.cursor?.index === 0), 'the reader\'s later presence');
    writer.text.insert(writer.text.length, ' Bring snacks.');
    await waitFor(() => observer.text.toString().endsWith(' Bring snacks.'), 'the writer\'s later edit');
    assert.equal(observer.text.toString(), 'Decisions: meet on Friday. Bring snacks.');
    assert.equal(writer.text.toString(), 'Decisions: meet on Friday. Bring snacks.');
    // A fresh client loads what the server kept.
    const later = track(await openProvider(server, bob, 'test.readonly'));
    assert.equal(later.text.toString(), 'Decisions: meet on Friday. Bring snacks.');
  });

  it('refuses users without access, spent tickets, bad tokens and foreign origins', async () => {
    const outsider = await signUpAndLogin(server.http);
    const noTicket = await server.http.post('/api/collab/tickets', { doc: 'test.private' }, outsider.access);
    assert.equal(noTicket.status, 403);
    const badName = await server.http.post('/api/collab/tickets', { doc: '../etc' }, alice.access);
    assert.equal(badName.status, 400);

    const ticket = (await server.http.post('/api/collab/tickets', { doc: 'test.private' }, alice.access)).body.ticket;
    const first = await rawSocket(server, `/collab/test.private?ticket=${ticket}`);
    assert.ok(first.ws, 'a fresh ticket opens the document');
    first.ws.close();
    assert.equal((await rawSocket(server, `/collab/test.private?ticket=${ticket}`)).status, 401, 'tickets are single-use');
    const other = (await server.http.post('/api/collab/tickets', { doc: 'test.private' }, alice.access)).body.ticket;
    assert.equal((await rawSocket(server, `/collab/test.other?ticket=${other}`)).status, 401, 'a ticket opens only its document');
    assert.equal((await rawSocket(server, `/collab/test.private?token=not-a-jwt`)).status, 401);
    assert.equal((await rawSocket(server, `/collab/test.private?token=${outsider.access}`)).status, 403);
    const viaToken = await rawSocket(server, `/collab/test.private?token=${alice.access}`);
    assert.ok(viaToken.ws, 'an access token works where tickets cannot be fetched');
    viaToken.ws.close();
    assert.equal((await rawSocket(server, `/collab/test.private?token=${alice.access}`, { origin: 'https://evil.example' })).status, 403);
    const ownOrigin = await rawSocket(server, `/collab/test.private?token=${alice.access}`, { origin: new URL(server.url).origin });
    assert.ok(ownOrigin.ws, "the server's own origin is always allowed (the web client it serves)");
    ownOrigin.ws.close();
  });

  it('closes a revoked user\'s connections at once', async () => {
    const dave = await signUpAndLogin(server.http);
    roles.set(dave.id, 'write');
    const conn = track(await openProvider(server, dave, 'test.revoke'));
    const closed = new Promise<number>((resolve) => conn.provider.ws?.addEventListener('close', (e) => resolve((e).code)));
    assert.equal((await server.http.post('/auth/logout-all', undefined, dave.access)).status, 204);
    assert.equal(await closed, 1008);
  });

  it('closes connections that send malformed or oversized messages or flood, and keeps serving others', async () => {
    const good = track(await openProvider(server, alice, 'test.limits'));
    const junk = await rawSocket(server, `/collab/test.limits?token=${bob.access}`);
    const code = new Promise<number>((resolve) => junk.ws?.on('close', (c) => resolve(c)));
    junk.ws?.send(Buffer.from([0, 9, 9, 9]));
    assert.equal(await code, 1003);
    const garbage = await rawSocket(server, `/collab/test.limits?token=${bob.access}`);
    const code2 = new Promise<number>((resolve) => garbage.ws?.on('close', (c) => resolve(c)));
    garbage.ws?.send(Buffer.from([0, 1, 0xff, 0xff, 0xff, 0xff, 0xff]));
    assert.equal(await code2, 1007);
    // Bigger than NOTES_MAX_MESSAGE_BYTES (2 MiB): closed by the WebSocket layer, unread.
    const big = await rawSocket(server, `/collab/test.limits?token=${bob.access}`);
    const code3 = new Promise<number>((resolve) => big.ws?.on('close', (c) => resolve(c)));
    big.ws?.send(Buffer.alloc(3 * 1024 * 1024));
    assert.equal(await code3, 1009);
    // A flood beyond the per-connection rate (200/s, bursts of 400).
    const flood = await rawSocket(server, `/collab/test.limits?token=${bob.access}`);
    const code4 = new Promise<[number, string]>((resolve) => flood.ws?.on('close', (c, r) => resolve([c, r.toString()])));
    for (let i = 0; i < 1000; i += 1) flood.ws?.send(Buffer.from([3]));
    assert.deepEqual(await code4, [1008, 'rate limit exceeded']);
    good.text.insert(0, 'still fine');
    const check = track(await openProvider(server, bob, 'test.limits'));
    await waitFor(() => check.text.toString() === 'still fine', 'others still served');
  });
});

describe('shared notes persistence', function () {
  this.timeout(60_000);

  it('compaction keeps an update that still waits for what it builds on', async () => {
    const roles = new Map<number, NotesAccess>();
    const server = await startTestServer({ notesAuthorizer: policy(roles) });
    try {
      const user = await signUpAndLogin(server.http);
      roles.set(user.id, 'write');
      const store = server.app.notesStore;
      assert.ok(store);
      // "d" is typed after "abc": the second update cannot be integrated without the first.
      const origin = new Y.Doc();
      const made: Uint8Array[] = [];
      origin.on('update', (u: Uint8Array) => made.push(u));
      origin.getText('minutes').insert(0, 'abc');
      origin.getText('minutes').insert(3, 'd');
      const [abc, d] = made as [Uint8Array, Uint8Array];
      const { ws } = await rawSocket(server, `/collab/test.pending?token=${user.access}`);
      assert.ok(ws);
      const send = (update: Uint8Array) => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, 0);
        syncProtocol.writeUpdate(encoder, update);
        ws.send(encoding.toUint8Array(encoder));
      };
      send(d);
      await waitFor(() => (store.committed.get('test.pending') ?? 0) >= 1, 'the waiting update to be stored');
      await store.compact('test.pending');
      const log = await server.app.database.db.selectFrom('notes_updates').select('seq').where('doc', '=', 'test.pending').execute();
      assert.equal(log.length, 0, 'the log was folded into the snapshot');
      const folded = await store.load('test.pending');
      assert.ok(folded.doc.store.pendingStructs, 'the snapshot still holds the waiting update');
      folded.doc.destroy();
      send(abc);
      await waitFor(() => (store.committed.get('test.pending') ?? 0) >= 2, 'the first update to be stored');
      await store.flush();
      const stored = await store.load('test.pending');
      assert.equal(stored.doc.getText('minutes').toString(), 'abcd');
      stored.doc.destroy();
      ws.close();
    } finally {
      await server.close();
    }
  });

  it('keeps every edit across a restart, compacted, loading identical', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-notes-'));
    const roles = new Map<number, NotesAccess>();
    const env = { JWT_SECRET: 'notes-restart-secret-long-enough-000000', REDIS_URL: '', NOTES_COMPACT_AFTER_UPDATES: '20' };
    const first = await startTestServer({ dataDir, persistentPglite: true, env, notesAuthorizer: policy(roles) });
    const user = await signUpAndLogin(first.http);
    roles.set(user.id, 'write');
    const a = await openProvider(first, user, 'test.durable');
    for (let i = 0; i < 60; i += 1) a.text.insert(a.text.length, `line ${i}\n`);
    a.text.delete(0, 7); // "line 0\n"
    const expected = a.text.toString();
    const expectedState = Y.encodeStateAsUpdate(a.doc);
    await waitFor(() => (first.app.notesStore?.committed.get('test.durable') ?? 0) >= 61, 'all updates committed');
    a.close();
    await first.close();

    const second = await startTestServer({ dataDir, persistentPglite: true, env, notesAuthorizer: policy(roles) });
    try {
      const db = second.app.database.db;
      const log = await db.selectFrom('notes_updates').select((eb) => eb.fn.countAll<number>().as('n')).where('doc', '=', 'test.durable').executeTakeFirstOrThrow();
      const snapshot = await db.selectFrom('notes_snapshots').select('upto_seq').where('doc', '=', 'test.durable').executeTakeFirst();
      assert.ok(snapshot, 'the log was compacted into a snapshot');
      assert.ok(Number(log.n) < 20, `log tail is short (${log.n})`);
      const b = await openProvider(second, user, 'test.durable');
      assert.equal(b.text.toString(), expected);
      // Identical document, not just identical text.
      const reloaded = new Y.Doc();
      Y.applyUpdate(reloaded, expectedState);
      assert.deepEqual(Y.encodeStateVector(b.doc), Y.encodeStateVector(reloaded));
      b.close();
      reloaded.destroy();
    } finally {
      await second.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
