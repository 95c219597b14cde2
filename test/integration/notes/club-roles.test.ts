// Club roles decide the shared notes: note-takers write, members and guests read, outsiders
// are refused, and a role change reaches documents that are already open.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { nextAuthNotice, openProvider, type NotesClient } from '../../helpers/notes.js';
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

  /** Resolves once `to` has `from`'s awareness marker: the server has handled all `from` sent before it. */
  async function handled(from: NotesClient, to: NotesClient): Promise<void> {
    const marker = randomBytes(16).toString('hex');
    from.provider.awareness.setLocalStateField('marker', marker);
    await waitFor(() => [...to.provider.awareness.getStates().values()].some((state) => state.marker === marker), 'the awareness marker');
  }

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
    // The reader's edit does not arrive, while the writer's later one does.
    const observer = track(await openProvider(server, cast.guest, doc));
    reader.text.insert(0, 'X ');
    await handled(reader, writer);
    writer.text.insert(writer.text.length, ' Snacks.');
    await waitFor(() => observer.text.toString().endsWith(' Snacks.'), 'the writer\'s later edit');
    assert.equal(observer.text.toString(), 'Agenda: chapter 4. Snacks.', 'a member edit is dropped');
    assert.equal(writer.text.toString(), 'Agenda: chapter 4. Snacks.');

    // Promote the member: a connection opened as a reader becomes a writer without reconnecting.
    const promoted = track(await openProvider(server, cast.member, doc));
    const raised = nextAuthNotice(promoted);
    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}/members/${cast.member.id}`, { role: 'notetaker' }, cast.owner.access)).status, 200);
    assert.equal(await raised, 'granted: write', 'the open connection is told it may write');
    promoted.text.insert(promoted.text.length, ' Questions?');
    await waitFor(() => writer.text.toString().endsWith(' Questions?'), 'the promoted member writes');

    // Demote the note-taker: its later edits are dropped.
    const lowered = nextAuthNotice(writer);
    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}/members/${cast.notetaker.id}`, { role: 'member' }, cast.owner.access)).status, 200);
    assert.match(await lowered, /^denied: read-only/, 'the open connection is told it may only read');
    writer.text.insert(0, 'LATE ');
    // The demoted writer's edit does not arrive, while the promoted member's later one does.
    await handled(writer, promoted);
    promoted.text.insert(promoted.text.length, ' Done.');
    await waitFor(() => observer.text.toString().endsWith(' Done.'), 'the promoted member\'s later edit');
    assert.equal(observer.text.toString().startsWith('LATE'), false, 'a demoted writer cannot write');
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
