// Club roles decide the shared notes: note-takers write, members and guests read, outsiders
// are refused, and a role change reaches documents that are already open.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { openProvider } from '../../helpers/notes.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

describe('notes and club roles', () => {
  let server: TestServer;
  let cast: ClubCast;
  let doc: string;
  const open: Array<() => void> = [];
  const track = <T extends { close: () => void }>(p: T) => (open.push(p.close), p);

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http, { visibility: 'private' });
    doc = `club.${cast.clubId}`;
  });
  afterEach(() => {
    for (const close of open.splice(0)) close();
  });
  after(() => server.close());

  it('gives tickets by role: writers, readers, and nobody else', async () => {
    for (const role of ['owner', 'moderator', 'notetaker', 'member', 'guest'] as const) {
      assert.equal((await server.http.post('/api/collab/tickets', { doc }, cast[role].access)).status, 201, role);
    }
    assert.equal((await server.http.post('/api/collab/tickets', { doc }, cast.outsider.access)).status, 403);
    assert.equal((await server.http.post('/api/collab/tickets', { doc: 'club.999999' }, cast.owner.access)).status, 403);
    assert.equal((await server.http.post('/api/collab/tickets', { doc: 'meeting.999999' }, cast.owner.access)).status, 403);
  });

  it('keeps a member read-only and the note-taker writing, then follows a promotion and a demotion live', async () => {
    const writer = track(await openProvider(server, cast.notetaker, doc));
    const reader = track(await openProvider(server, cast.member, doc));
    writer.text.insert(0, 'Agenda: chapter 4.');
    await waitFor(() => reader.text.toString() === 'Agenda: chapter 4.', 'reader sees the agenda');
    reader.text.insert(0, 'X ');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(writer.text.toString(), 'Agenda: chapter 4.', 'a member edit is dropped');

    // Promote the member: a connection opened as a reader becomes a writer without reconnecting.
    const promoted = track(await openProvider(server, cast.member, doc));
    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}/members/${cast.member.id}`, { role: 'notetaker' }, cast.owner.access)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    promoted.text.insert(promoted.text.length, ' Questions?');
    await waitFor(() => writer.text.toString().endsWith(' Questions?'), 'the promoted member writes');

    // Demote the note-taker: its later edits are dropped.
    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}/members/${cast.notetaker.id}`, { role: 'member' }, cast.owner.access)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    writer.text.insert(0, 'LATE ');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(promoted.text.toString().startsWith('LATE'), false, 'a demoted writer cannot write');
  });

  it('closes the notes of a member who is removed', async () => {
    const fresh = await clubWithCast(server.http);
    const member = track(await openProvider(server, fresh.member, `club.${fresh.clubId}`));
    const closes: number[] = [];
    member.provider.on('connection-close', (event: CloseEvent | null) => closes.push(event?.code ?? 0));
    assert.equal((await server.http.delete(`/api/clubs/${fresh.clubId}/members/${fresh.member.id}`, fresh.owner.access)).status, 204);
    await waitFor(() => closes.includes(1008), 'the removed member is disconnected');
  });
});
