// Club chat over Socket.IO, history and read markers over REST.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { collect, fails, nextEvent, noneBefore, ok, OpenSockets, type Payload, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';
import type { TestAccount } from '../../helpers/accounts.js';
import type { ChatMessage } from '../../../shared/protocol/signaling.js';

describe('signaling: chat', function () {
  let server: TestServer;
  let cast: ClubCast;
  const open = new OpenSockets(() => server.url);
  const online = (account: TestAccount) => open.connect(account);
  let counter = 0;
  const clientId = () => `c-${Date.now()}-${(counter += 1)}`;
  const history = (account: TestAccount, query = '') => server.http.get(`/api/clubs/${cast.clubId}/messages${query}`, account.access);

  before(async () => {
    server = await startTestServer({ env: { SIGNALING_CHAT_PER_MINUTE: '6000' } });
    cast = await clubWithCast(server.http);
  });
  afterEach(() => open.closeAll());

  /** Typing indicators are volatile (dropped rather than queued when a connection is busy), so
   * clients repeat them while the user types; so does this, until `watcher` sees one. */
  async function typedUntilSeen(typist: TestSocket, typistId: number, watcher: TestSocket, clubId: number): Promise<Payload<'chat:typing'>> {
    for (let attempt = 1; ; attempt += 1) {
      const seen = nextEvent(watcher, 'chat:typing', (t) => t.typing && t.user_id === typistId, 400);
      await ok(typist, 'chat:typing', { club_id: clubId, typing: true });
      try {
        return await seen;
      } catch (err) {
        if (attempt === 5) throw err;
      }
    }
  }
  after(() => server.close());

  it('stores a message before broadcasting it; the ack carries its id and time', async () => {
    const { clubId, owner, member } = cast;
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    // What the owner's client does on a message: look it up in the history at once.
    const inHistory = new Promise<{ message: ChatMessage; stored: boolean }>((resolve) => {
      ownerSocket.once('chat:message', (message) => {
        void history(owner, '?limit=5').then((res) => resolve({ message, stored: res.body.items.some((m: ChatMessage) => m.id === message.id) }));
      });
    });
    const before = Date.now();
    const { message, duplicate } = await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: '  Chapter 3 was a turning point  ' });
    assert.equal(duplicate, false);
    assert.equal(message.body, 'Chapter 3 was a turning point');
    assert.equal(message.author_id, member.id);
    assert.ok(message.id > 0);
    assert.ok(Math.abs(Date.parse(message.created_at) - before) < 5000);
    const seen = await inHistory;
    assert.deepEqual(seen.message, message);
    assert.equal(seen.stored, true, 'the broadcast message was already in the history');
    // The sender is not sent its own message back, while the owner's later reply does reach it.
    const reply = await noneBefore(memberSocket, 'chat:message', async () => {
      const next = nextEvent(memberSocket, 'chat:message');
      const sent = await ok(ownerSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'It was' });
      assert.equal((await next).id, sent.message.id);
      return sent;
    }, (m) => m.id === message.id);
    assert.equal(reply.message.body, 'It was');
  });

  it('does not duplicate a message resent with the same client_id', async () => {
    const { clubId, owner, member } = cast;
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    const received = collect(ownerSocket, 'chat:message');
    const id = clientId();
    const first = await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: id, body: 'Only once, please' });
    const again = await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: id, body: 'Only once, please' });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, first.message);
    // A later message reaches the owner, and the first one reached it once before that.
    const later = await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'And this one' });
    await waitFor(() => received.some((m) => m.id === later.message.id), 'the later message');
    assert.equal(received.filter((m) => m.client_id === id).length, 1);
    const stored = (await history(owner, '?limit=20')).body.items.filter((m: ChatMessage) => m.client_id === id);
    assert.equal(stored.length, 1);
    // The same client_id from another author is another message.
    const other = await ok(ownerSocket, 'chat:send', { club_id: clubId, client_id: id, body: 'Mine' });
    assert.equal(other.duplicate, false);
  });

  it('refuses bodies over 2,000 characters, empty bodies and malformed fields, with their paths', async () => {
    const socket = await online(cast.member);
    const club_id = cast.clubId;
    assert.equal((await ok(socket, 'chat:send', { club_id, client_id: clientId(), body: 'x'.repeat(2000) })).message.body.length, 2000);
    const tooLong = await fails(socket, 'chat:send', { club_id, client_id: clientId(), body: 'x'.repeat(2001) });
    assert.equal(tooLong.code, 'validation_failed');
    // The same field problems as REST's: the English message plus a code and the bound.
    assert.deepEqual(tooLong.details, [{ path: 'body', message: 'must be at most 2000 characters', code: 'too_long', maximum: 2000, unit: 'characters' }]);
    assert.equal((await fails(socket, 'chat:send', { club_id, client_id: clientId(), body: '   ' })).code, 'validation_failed');
    const bad = await fails(socket, 'chat:send', { club_id: -1, client_id: 'has spaces', body: 'hi', extra: 1 } as never);
    assert.deepEqual((bad.details as Array<{ path: string }>).map((d) => d.path).sort(), ['client_id', 'club_id', 'extra']);
  });

  it('lets only the club\'s members and guests send', async () => {
    const outsider = await online(cast.outsider);
    const refused = await fails(outsider, 'chat:send', { club_id: cast.clubId, client_id: clientId(), body: 'Hello?' });
    assert.equal(refused.code, 'forbidden');
    assert.equal((await fails(outsider, 'chat:send', { club_id: 424242, client_id: clientId(), body: 'Hello?' })).code, 'not_found');
    const guest = await online(cast.guest);
    assert.equal((await ok(guest, 'chat:send', { club_id: cast.clubId, client_id: clientId(), body: 'A guest says hi' })).duplicate, false);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/messages`, cast.outsider.access)).status, 403);
  });

  it('lets authors and moderators edit and delete, nobody else', async () => {
    const { clubId, owner, moderator, notetaker, member } = cast;
    const [ownerSocket, modSocket, noteSocket, memberSocket] = await Promise.all([online(owner), online(moderator), online(notetaker), online(member)]);
    const { message } = await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'Typo hre' });

    assert.equal((await fails(noteSocket, 'chat:edit', { club_id: clubId, message_id: message.id, body: 'Hijacked' })).code, 'forbidden');
    const edited = nextEvent(ownerSocket, 'chat:edited');
    const fixed = await ok(memberSocket, 'chat:edit', { club_id: clubId, message_id: message.id, body: 'Typo here' });
    assert.equal(fixed.message.body, 'Typo here');
    assert.ok(fixed.message.edited_at);
    assert.deepEqual(await edited, fixed.message);
    await ok(modSocket, 'chat:edit', { club_id: clubId, message_id: message.id, body: 'Edited by a moderator' });

    assert.equal((await fails(noteSocket, 'chat:delete', { club_id: clubId, message_id: message.id })).code, 'forbidden');
    const deleted = nextEvent(memberSocket, 'chat:deleted');
    const gone = await ok(modSocket, 'chat:delete', { club_id: clubId, message_id: message.id });
    assert.equal(gone.message.body, '');
    assert.ok(gone.message.deleted_at);
    assert.equal((await deleted).id, message.id);
    assert.equal((await fails(memberSocket, 'chat:edit', { club_id: clubId, message_id: message.id, body: 'Back' })).code, 'not_found');
    assert.equal((await fails(memberSocket, 'chat:delete', { club_id: clubId, message_id: message.id })).code, 'not_found');
    const tombstone = (await history(owner, '?limit=50')).body.items.find((m: ChatMessage) => m.id === message.id);
    assert.equal(tombstone.body, '');
    assert.ok(tombstone.deleted_at);

    const own = await ok(noteSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'Never mind' });
    assert.ok((await ok(noteSocket, 'chat:delete', { club_id: clubId, message_id: own.message.id })).message.deleted_at);
  });

  it('shows others who is typing', async () => {
    const { clubId, owner, member } = cast;
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    assert.deepEqual(await typedUntilSeen(memberSocket, member.id, ownerSocket, clubId), { club_id: clubId, user_id: member.id, typing: true });
    // The typist is not told about itself, while the owner typing after it does reach it.
    const ownerTyping = await noneBefore(memberSocket, 'chat:typing', () => typedUntilSeen(ownerSocket, owner.id, memberSocket, clubId), (t) => t.user_id === member.id);
    assert.equal(ownerTyping.user_id, owner.id);
    assert.equal((await fails(await online(cast.outsider), 'chat:typing', { club_id: clubId, typing: true })).code, 'forbidden');
  });

  it('keeps a read marker per user that only moves forward and follows the user\'s tabs', async () => {
    const { clubId, member, owner } = cast;
    const ownerSocket = await online(owner);
    const older = await ok(ownerSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'one' });
    const newer = await ok(ownerSocket, 'chat:send', { club_id: clubId, client_id: clientId(), body: 'two' });
    const [tab1, tab2] = await Promise.all([online(member), online(member)]);
    const synced = nextEvent(tab2, 'chat:read');
    assert.deepEqual(await ok(tab1, 'chat:read', { club_id: clubId, message_id: newer.message.id }), { club_id: clubId, message_id: newer.message.id });
    assert.deepEqual(await synced, { club_id: clubId, message_id: newer.message.id });
    assert.equal((await ok(tab1, 'chat:read', { club_id: clubId, message_id: older.message.id })).message_id, newer.message.id);
    const marker = await server.http.get(`/api/clubs/${clubId}/messages/read`, member.access);
    assert.equal(marker.status, 200);
    assert.equal(marker.body.message_id, newer.message.id);
    assert.ok(marker.body.updated_at);
    assert.equal((await server.http.get(`/api/clubs/${clubId}/messages/read`, cast.notetaker.access)).body.message_id, null);
    assert.equal((await fails(tab1, 'chat:read', { club_id: clubId, message_id: 987654321 })).code, 'not_found');
  });

  it('pages the history newest first over REST', async () => {
    const { clubId, member, owner } = cast;
    const socket = await online(member);
    const sent: number[] = [];
    for (let i = 0; i < 5; i += 1) sent.push((await ok(socket, 'chat:send', { club_id: clubId, client_id: clientId(), body: `page test ${i}` })).message.id);
    const newestFirst = [...sent].reverse();
    const first = await history(owner, '?limit=2');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.items.map((m: ChatMessage) => m.id), newestFirst.slice(0, 2));
    assert.equal(first.body.next_cursor, String(newestFirst[1]));
    const second = await history(owner, `?limit=2&before=${first.body.next_cursor}`);
    assert.deepEqual(second.body.items.map((m: ChatMessage) => m.id), newestFirst.slice(2, 4));
    const everything = await history(owner, `?limit=100&before=${newestFirst[3]}`);
    assert.equal(everything.body.next_cursor, null);
    assert.ok(everything.body.items.every((m: ChatMessage, i: number, all: ChatMessage[]) => i === 0 || (all[i - 1] as ChatMessage).id > m.id));
    assert.equal((await history(owner, '?limit=0')).status, 400);
    assert.equal((await history(owner, '?before=abc')).status, 400);
  });
});
