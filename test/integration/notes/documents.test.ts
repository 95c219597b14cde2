// Notes documents at their edges: one spelling per document, exports of documents naming many
// people, a bounded and paged list of versions, and a size limit that outlives a reload.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { NotesAccess } from '../../../server/notes/connection.js';
import { appendTranscript, readTranscript, type TranscriptSegment } from '../../../shared/notes-schema.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { openProvider, policy, until } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { openRaw, type RawNotesSocket } from './raw-socket.js';

const segments = (ids: number[]): TranscriptSegment[] => ids.map((id, i) => ({ id: `s${id}`, speaker_id: id, start_ms: i * 1000, end_ms: i * 1000 + 500, text: `said ${id}` }));
const updateOf = (write: (doc: Y.Doc) => void): Uint8Array => {
  const doc = new Y.Doc();
  write(doc);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
};
const sendUpdate = (socket: RawNotesSocket, update: Uint8Array) => socket.send(0, (e) => syncProtocol.writeUpdate(e, update));

describe('notes document names are canonical', function () {
  this.timeout(60_000);
  let server: TestServer;
  let cast: ClubCast;

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  after(() => server.close());

  it('refuses every other spelling of club.<id> at the upgrade, in tickets, versions and exports', async () => {
    const canonical = `club.${cast.clubId}`;
    const ok = await server.http.post('/api/collab/tickets', { doc: canonical }, cast.notetaker.access);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal((await server.http.get(`/api/collab/${canonical}/export`, cast.member.access)).status, 200);
    for (const alias of [`club.0${cast.clubId}`, `club.000${cast.clubId}`, `meeting.0${cast.clubId}`, 'club.0', 'club.99999999999']) {
      const ticket = await server.http.post('/api/collab/tickets', { doc: alias }, cast.notetaker.access);
      assert.equal(ticket.status, 400, `ticket for ${alias}: ${JSON.stringify(ticket.body)}`);
      assert.equal(ticket.body.error.code, 'validation_failed');
      assert.equal((await server.http.post(`/api/collab/${alias}/versions`, { name: 'v' }, cast.notetaker.access)).status, 404, `version of ${alias}`);
      assert.equal((await server.http.get(`/api/collab/${alias}/versions`, cast.member.access)).status, 404);
      assert.equal((await server.http.get(`/api/collab/${alias}/export`, cast.member.access)).status, 404, `export of ${alias}`);
      await assert.rejects(openRaw(server, alias, cast.notetaker.access), /upgrade refused: 404/);
    }
    await assert.rejects(openRaw(server, 'club.%E0%A4%A', cast.notetaker.access), /upgrade refused: 404/, 'malformed escapes are a 404, not a 500');
  });
});

describe('notes documents naming many people', function () {
  this.timeout(120_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;
  let writer: TestAccount;

  before(async () => {
    server = await startTestServer({ notesAuthorizer: policy(roles), env: { NOTES_MAX_REFERENCED_USERS: '10' } });
    writer = await signUpAndLogin(server.http);
    roles.set(writer.id, 'write');
  });
  after(() => server.close());

  it('exports a document whose transcript names more people than one query may bind', async () => {
    const doc = `test.speakers-${randomBytes(4).toString('hex')}`;
    const ids = Array.from({ length: 70_000 }, (_, i) => i + 1);
    ids[0] = writer.id;
    const store = server.app.notesStore;
    assert.ok(store);
    // Stored as it might have been before the limit existed (the store takes what it is given).
    await store.append(doc, updateOf((d) => appendTranscript(d, segments(ids))));
    for (const format of ['md', 'txt']) {
      const res = await server.http.get(`/api/collab/${doc}/export?format=${format}`, writer.access);
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
      assert.match(res.body, new RegExp(`\\b${writer.username}\\b`));
      assert.match(res.body, /Member 70000/);
    }
    const saved = await server.http.post(`/api/collab/${doc}/versions`, { name: 'all of them' }, writer.access);
    assert.equal(saved.status, 201);
    assert.equal((await server.http.get(`/api/collab/${doc}/versions/${saved.body.id}?format=md`, writer.access)).status, 200);
  });

  it('closes a writer whose update would make a document name more people than the limit', async () => {
    const doc = `test.cap-${randomBytes(4).toString('hex')}`;
    const socket = await openRaw(server, doc, writer.access);
    const first = updateOf((d) => appendTranscript(d, segments([1, 2, 3, 4, 5, 6, 7, 8])));
    sendUpdate(socket, first);
    const reader = await openProvider(server, writer, doc);
    await until(() => readTranscript(reader.doc).length === 8, 'eight people named (under the limit)');
    const more = Y.mergeUpdates([first, updateOf((d) => appendTranscript(d, segments([9, 10, 11])))]);
    sendUpdate(socket, more);
    assert.deepEqual(await socket.closed, { code: 1008, reason: 'document names too many people' });
    assert.equal(readTranscript(reader.doc).length, 8);
    reader.close();
  });
});

describe('notes versions and size across reloads', function () {
  this.timeout(60_000);
  const roles = new Map<number, NotesAccess>();
  let server: TestServer;
  let writer: TestAccount;

  before(async () => {
    server = await startTestServer({ notesAuthorizer: policy(roles), env: { NOTES_MAX_VERSIONS: '3', NOTES_MAX_DOC_GROWTH_BYTES: '40000', NOTES_IDLE_SECONDS: '1' } });
    writer = await signUpAndLogin(server.http);
    roles.set(writer.id, 'write');
  });
  after(() => server.close());

  it('keeps at most NOTES_MAX_VERSIONS versions, even when saved all at once, and pages the list', async () => {
    const doc = `test.versions-${randomBytes(4).toString('hex')}`;
    const url = `/api/collab/${doc}/versions`;
    const saves = await Promise.all([1, 2, 3, 4, 5].map((i) => server.http.post(url, { name: `v${i}` }, writer.access)));
    assert.deepEqual(saves.map((r) => r.status).sort(), [201, 201, 201, 409, 409]);
    assert.equal(saves.find((r) => r.status === 409)?.body.error.code, 'conflict');
    const first = await server.http.get(`${url}?limit=2`, writer.access);
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 2);
    assert.equal(typeof first.body.next_cursor, 'string');
    const second = await server.http.get(`${url}?limit=2&cursor=${first.body.next_cursor}`, writer.access);
    assert.equal(second.body.items.length, 1);
    assert.equal(second.body.next_cursor, null);
    const ids = [...first.body.items, ...second.body.items].map((v: { id: number }) => v.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    assert.equal(new Set(ids).size, 3);
    assert.equal((await server.http.get(`${url}?cursor=not-a-cursor`, writer.access)).status, 400);
  });

  it('counts a document\'s size from what is stored, so unloading and reopening does not reset it', async () => {
    const doc = `test.growth-${randomBytes(4).toString('hex')}`;
    const store = server.app.notesStore;
    assert.ok(store);
    const first = await openRaw(server, doc, writer.access);
    sendUpdate(first, updateOf((d) => d.getText('minutes').insert(0, randomBytes(12_500).toString('hex'))));
    await until(() => (store.committed.get(doc) ?? 0) >= 1, 'the first 25 KB to be stored');
    first.ws.close();
    await first.closed;
    // Unloaded (and compacted) once idle: the snapshot row appears.
    const db = server.app.database.db;
    await until(() => db.selectFrom('notes_snapshots').select('doc').where('doc', '=', doc).executeTakeFirst(), 'the idle document to unload', 15_000, 50);
    const second = await openRaw(server, doc, writer.access);
    sendUpdate(second, updateOf((d) => d.getText('minutes').insert(0, randomBytes(12_500).toString('hex'))));
    assert.deepEqual(await second.closed, { code: 1009, reason: 'document size limit reached' });
  });
});
