// Presence: who is online in each club, with several tabs of one user counted once.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, createClub, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, nextEvent, noneBefore, ok, roundTrip, OpenSockets, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

describe('signaling: presence', function () {
  let server: TestServer;
  let cast: ClubCast;
  const open = new OpenSockets(() => server.url);
  const online = (token: string) => open.connect(token);

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  afterEach(() => open.closeAll());

  /** Brings `who` online and waits until `watcher` sees it. */
  async function cameOnline(watcher: TestSocket, clubId: number, who: TestAccount): Promise<void> {
    const seen = nextEvent(watcher, 'presence:update', (u) => u.club_id === clubId && u.online.includes(who.id));
    await online(who.access);
    await seen;
  }
  after(() => server.close());

  it('shows who is online, counting several tabs of one user once', async () => {
    const { clubId, owner, member } = cast;
    const ownerSocket = await online(owner.access);
    const joined = nextEvent(ownerSocket, 'presence:update', (u) => u.club_id === clubId && u.online.includes(member.id));
    const tab1 = await online(member.access);
    const update = await joined;
    assert.deepEqual(update.online, [owner.id, member.id].sort((a, b) => a - b));

    // A second tab changes nothing anyone sees: the next update the owner gets is the moderator's arrival.
    const tab2 = await online(member.access);
    await noneBefore(ownerSocket, 'presence:update', () => cameOnline(ownerSocket, clubId, cast.moderator), (u) => !u.online.includes(cast.moderator.id));
    const listed = await ok(tab2, 'presence:list', { club_id: clubId });
    const byId = (a: number, b: number) => a - b;
    assert.deepEqual(listed.online, [...update.online, cast.moderator.id].sort(byId));
    assert.ok(listed.version >= update.version);

    // Closing one tab keeps the member online; closing the last one does not.
    const sockets = server.app.signaling.connectionCount;
    tab1.close();
    await waitFor(() => server.app.signaling.connectionCount === sockets - 1, 'the server to see the tab go');
    await noneBefore(ownerSocket, 'presence:update', () => cameOnline(ownerSocket, clubId, cast.notetaker), (u) => !u.online.includes(cast.notetaker.id));
    const left = nextEvent(ownerSocket, 'presence:update', (u) => u.club_id === clubId && !u.online.includes(member.id));
    tab2.close();
    assert.deepEqual((await left).online, [owner.id, cast.moderator.id, cast.notetaker.id].sort(byId));
    assert.ok((await left).version > update.version);
  });

  it('lets outsiders follow a public club\'s presence, not a private one\'s', async () => {
    const { clubId, outsider, member } = cast;
    const watcher = await online(outsider.access);
    const watched = await ok(watcher, 'club:watch', { club_id: clubId });
    assert.deepEqual(watched, { club_id: clubId, role: 'outsider', room: 'watchers' });
    const seen = nextEvent(watcher, 'presence:update', (u) => u.club_id === clubId && u.online.includes(member.id));
    const memberSocket = await online(member.access);
    await seen;
    assert.ok((await ok(watcher, 'presence:list', { club_id: clubId })).online.includes(member.id));

    const owner = await signUpAndLogin(server.http);
    const secret = await createClub(server.http, owner, { visibility: 'private' });
    assert.equal((await fails(watcher, 'presence:list', { club_id: secret.id })).code, 'forbidden');
    assert.equal((await fails(watcher, 'club:watch', { club_id: secret.id })).code, 'forbidden');
    assert.equal((await fails(watcher, 'presence:list', { club_id: 999_999 })).code, 'not_found');

    // Unwatching stops the updates.
    await ok(watcher, 'club:unwatch', { club_id: clubId });
    // The member sees the owner arrive; the watcher, asked something after that, was not told.
    await noneBefore(watcher, 'presence:update', async () => {
      await cameOnline(memberSocket, clubId, cast.owner);
      await roundTrip(watcher);
    });
  });

  it('counts a guest admitted once while its socket follows the club', async () => {
    const { clubId, guest, owner } = cast;
    const ownerSocket = await online(owner.access);
    const guestSocket = await online(guest.access);
    const seen = nextEvent(ownerSocket, 'presence:update', (u) => u.club_id === clubId && u.online.includes(guest.id));
    assert.deepEqual(await ok(guestSocket, 'club:watch', { club_id: clubId }), { club_id: clubId, role: 'guest', room: 'club' });
    await seen;
  });
});
