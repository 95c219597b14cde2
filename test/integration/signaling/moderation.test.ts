// Moderation and club events, live: role changes, removals, bans and departures take effect
// on the member's sockets at once; changes made over REST reach the club's online members.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, nextEvent, noneBefore, ok, roundTrip, type TestSocket, OpenSockets } from '../../helpers/sockets.js';

describe('signaling: moderation and club events', function () {
  let server: TestServer;
  const open = new OpenSockets(() => server.url);
  const online = (account: TestAccount) => open.connect(account);
  let counter = 0;
  const say = (socket: TestSocket, clubId: number, body: string) => ok(socket, 'chat:send', { club_id: clubId, client_id: `m-${(counter += 1)}`, body });

  /** A fresh club with an owner and one member, both online. */
  async function smallClub() {
    const [owner, member] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const club = await createClub(server.http, owner);
    await admit(server.http, club.id, owner, member);
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    return { clubId: club.id, owner, member, ownerSocket, memberSocket };
  }

  before(async () => {
    server = await startTestServer();
  });
  afterEach(() => open.closeAll());
  after(() => server.close());

  it('puts a role change in force at once', async () => {
    const { clubId, owner, member, ownerSocket, memberSocket } = await smallClub();
    const knocker = await signUpAndLogin(server.http);
    const promoted = nextEvent(memberSocket, 'member:role_changed');
    assert.equal((await server.http.patch(`/api/clubs/${clubId}/members/${member.id}`, { role: 'moderator' }, owner.access)).status, 200);
    assert.deepEqual(await promoted, { club_id: clubId, role: 'moderator' });
    // Now a moderator: knocks reach this socket, and it may decide them.
    const requested = nextEvent(memberSocket, 'membership:requested');
    const knock = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, knocker.access);
    assert.equal((await requested).knock.id, knock.body.id);
    await ok(memberSocket, 'membership:decide', { club_id: clubId, knock_id: knock.body.id, decision: 'refuse' });

    const demoted = nextEvent(memberSocket, 'member:role_changed');
    await server.http.patch(`/api/clubs/${clubId}/members/${member.id}`, { role: 'member' }, owner.access);
    assert.equal((await demoted).role, 'member');
    const late = await signUpAndLogin(server.http);
    // The owner is told of a later knock; the demoted member, asked something after that, is not.
    const toOwner = nextEvent(ownerSocket, 'membership:requested');
    const lateKnock = await noneBefore(memberSocket, 'membership:requested', async () => {
      const knocked = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, late.access);
      assert.equal((await toOwner).knock.id, knocked.body.id);
      await roundTrip(memberSocket);
      return knocked;
    });
    assert.equal((await fails(memberSocket, 'membership:decide', { club_id: clubId, knock_id: lateKnock.body.id, decision: 'admit_member' })).code, 'forbidden');
  });

  for (const [how, reason] of [
    ['removed', 'removed'],
    ['banned', 'banned'],
    ['leaves', 'left'],
  ] as const) {
    it(`takes the club away from a member's sockets at once when ${how === 'leaves' ? 'the member leaves' : `they are ${how}`}`, async () => {
      const { clubId, owner, member, ownerSocket, memberSocket } = await smallClub();
      const secondTab = await online(member);
      const gone = nextEvent(ownerSocket, 'presence:update', (u) => u.club_id === clubId && !u.online.includes(member.id));
      const told = [nextEvent(memberSocket, 'member:removed'), nextEvent(secondTab, 'member:removed')];
      const res =
        how === 'removed'
          ? await server.http.delete(`/api/clubs/${clubId}/members/${member.id}`, owner.access)
          : how === 'banned'
            ? await server.http.post(`/api/clubs/${clubId}/members/${member.id}/ban`, { reason: 'spoilers' }, owner.access)
            : await server.http.post(`/api/clubs/${clubId}/leave`, undefined, member.access);
      assert.equal(res.status, 204);
      for (const event of await Promise.all(told)) assert.deepEqual(event, { club_id: clubId, reason });
      await gone;
      // The rights are gone at once: no chat in, none out; the socket itself stays for other clubs.
      const refused = await fails(memberSocket, 'chat:send', { club_id: clubId, client_id: `gone-${reason}`, body: 'Still here?' });
      assert.equal(refused.code, 'forbidden');
      // The owner's message reaches the rest of the club; the member, asked something after, did not get it.
      const others = await online(owner);
      const heard = nextEvent(others, 'chat:message', (m) => m.body === 'After they went');
      await noneBefore(memberSocket, 'chat:message', async () => {
        await say(ownerSocket, clubId, 'After they went');
        await heard;
        await roundTrip(memberSocket);
      });
      assert.equal(memberSocket.connected, true);
      if (how === 'banned') assert.equal((await fails(memberSocket, 'club:watch', { club_id: clubId })).code, 'banned');
    });
  }

  it('pushes club changes made over REST to the online members and public watchers', async () => {
    const { clubId, owner, memberSocket } = await smallClub();
    const watcherAccount = await signUpAndLogin(server.http);
    const watcher = await online(watcherAccount);
    await ok(watcher, 'club:watch', { club_id: clubId });
    const elsewhere = await smallClub();

    const toMember = nextEvent(memberSocket, 'club:event', (e) => e.event.type === 'club.updated');
    const toWatcher = nextEvent(watcher, 'club:event', (e) => e.event.type === 'club.updated');
    assert.equal((await server.http.patch(`/api/clubs/${clubId}`, { title: 'Slow readers' }, owner.access)).status, 200);
    const envelope = await toMember;
    assert.equal(envelope.club_id, clubId);
    assert.equal(envelope.actor_id, owner.id);
    assert.deepEqual(envelope.event, { type: 'club.updated', fields: ['title'] });
    assert.deepEqual(await toWatcher, envelope);
    // The other club's member heard nothing of it before a change to their own club.
    await noneBefore(elsewhere.memberSocket, 'club:event', async () => {
      const own = nextEvent(elsewhere.memberSocket, 'club:event', (e) => e.club_id === elsewhere.clubId);
      assert.equal((await server.http.patch(`/api/clubs/${elsewhere.clubId}`, { title: 'Fast readers' }, elsewhere.owner.access)).status, 200);
      await own;
    }, (e) => e.club_id === clubId);

    const notice = nextEvent(memberSocket, 'club:event', (e) => e.event.type === 'content.changed');
    const posted = await server.http.post(`/api/clubs/${clubId}/notices`, { title: 'Next week: chapters 4-6' }, owner.access);
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const { event } = await notice;
    assert.equal(event.type, 'content.changed');
    if (event.type === 'content.changed') {
      assert.equal(event.resource, 'notice');
      assert.equal(event.action, 'created');
      assert.equal(event.id, posted.body.id);
    }
  });

  it('sends guests what guests may see, and members the rest', async () => {
    const { clubId, owner, memberSocket } = await smallClub();
    const [guest, newcomer] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const knock = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, guest.access);
    await server.http.post(`/api/clubs/${clubId}/knocks/${knock.body.id}/decision`, { decision: 'admit_once' }, owner.access);
    const guestSocket = await online(guest);
    assert.equal((await ok(guestSocket, 'club:watch', { club_id: clubId })).role, 'guest');

    const joinedForMember = nextEvent(memberSocket, 'club:event', (e) => e.event.type === 'member.joined');
    await admit(server.http, clubId, owner, newcomer);
    await joinedForMember;
    // The member list is for members: a guest does not hear who joined.
    // The next thing the guest hears is the club's later update.
    const updated = await noneBefore(guestSocket, 'club:event', async () => {
      const next = nextEvent(guestSocket, 'club:event', (e) => e.event.type === 'club.updated');
      await server.http.patch(`/api/clubs/${clubId}`, { summary: 'Now reading Woolf' }, owner.access);
      return next;
    }, (e) => e.event.type === 'member.joined');
    assert.deepEqual(updated.event, { type: 'club.updated', fields: ['summary'] });
  });

  it('tells members when their club is deleted and drops its room', async () => {
    const { clubId, owner, memberSocket } = await smallClub();
    const told = nextEvent(memberSocket, 'member:removed');
    const deleted = nextEvent(memberSocket, 'club:event', (e) => e.event.type === 'club.deleted');
    assert.equal((await server.http.delete(`/api/clubs/${clubId}`, owner.access)).status, 204);
    await deleted;
    assert.deepEqual(await told, { club_id: clubId, reason: 'club_deleted' });
    assert.equal((await fails(memberSocket, 'chat:send', { club_id: clubId, client_id: 'after-delete', body: 'Hello?' })).code, 'not_found');
  });
});
