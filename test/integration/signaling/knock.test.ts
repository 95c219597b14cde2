// Knock to join, live: the knock reaches online owners and moderators at once, their decision
// reaches the knocker, and an admitted knocker is in the club's room at once.
import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, createClub, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, nextEvent, noneBefore, ok, openSocket, roundTrip, OpenSockets } from '../../helpers/sockets.js';

describe('signaling: knock to join', function () {
  let server: TestServer;
  let cast: ClubCast;
  const open = new OpenSockets(() => server.url);
  const online = (account: TestAccount) => open.connect(account);

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
  });
  afterEach(() => open.closeAll());
  after(() => server.close());

  it('delivers a knock to owners and moderators at once, and the decision to the knocker, who joins the room', async () => {
    const { clubId, owner, moderator, member } = cast;
    const [ownerSocket, modSocket, memberSocket] = await Promise.all([online(owner), online(moderator), online(member)]);
    const knocker = await signUpAndLogin(server.http);
    const knockerSocket = await online(knocker);

    const toOwner = nextEvent(ownerSocket, 'membership:requested');
    const toMod = nextEvent(modSocket, 'membership:requested');
    const knocked = await ok(knockerSocket, 'club:knock', { club_id: clubId, message: 'I read all of Middlemarch' });
    assert.equal(knocked.created, true);
    assert.equal(knocked.knock.status, 'pending');
    const requested = await toOwner;
    assert.deepEqual(requested, { club_id: clubId, knock: knocked.knock });
    assert.equal((await toMod).knock.id, knocked.knock.id);
    // The moderators were told; a plain member, asked something after that, was not.
    await noneBefore(memberSocket, 'membership:requested', () => roundTrip(memberSocket));

    // Knocking again is the same knock, and nobody is bothered twice.
    const again = await ok(knockerSocket, 'club:knock', { club_id: clubId });
    assert.equal(again.created, false);
    assert.equal(again.knock.id, knocked.knock.id);
    // A club change made after the second knock reaches the owner; no second notice came before it.
    await noneBefore(ownerSocket, 'membership:requested', async () => {
      const updated = nextEvent(ownerSocket, 'club:event', (e) => e.event.type === 'club.updated');
      assert.equal((await server.http.patch(`/api/clubs/${clubId}`, { summary: 'Reading Middlemarch' }, owner.access)).status, 200);
      await updated;
    });

    const decided = nextEvent(knockerSocket, 'membership:decided');
    const joined = nextEvent(knockerSocket, 'member:joined');
    const present = nextEvent(ownerSocket, 'presence:update', (u) => u.online.includes(knocker.id));
    const reply = await ok(ownerSocket, 'membership:decide', { club_id: clubId, knock_id: knocked.knock.id, decision: 'admit_member' });
    assert.equal(reply.knock.status, 'admitted_member');
    assert.equal((await decided).knock.status, 'admitted_member');
    assert.deepEqual(await joined, { club_id: clubId, role: 'member' });
    await present;

    // In the room at once: the new member hears the club and is heard.
    const heard = nextEvent(knockerSocket, 'chat:message');
    await ok(memberSocket, 'chat:send', { club_id: clubId, client_id: 'welcome-1', body: 'Welcome!' });
    assert.equal((await heard).body, 'Welcome!');
    const fromNew = nextEvent(memberSocket, 'chat:message');
    await ok(knockerSocket, 'chat:send', { club_id: clubId, client_id: 'hello-1', body: 'Thanks, hello all' });
    assert.equal((await fromNew).author_id, knocker.id);
  });

  it('admits once as a guest who may chat, and refuses a knocker who stays outside', async () => {
    const { clubId, owner, member } = cast;
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    const [visitor, stranger] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const [visitorSocket, strangerSocket] = await Promise.all([online(visitor), online(stranger)]);

    const visit = await ok(visitorSocket, 'club:knock', { club_id: clubId });
    const decided = nextEvent(visitorSocket, 'membership:decided');
    await ok(ownerSocket, 'membership:decide', { club_id: clubId, knock_id: visit.knock.id, decision: 'admit_once' });
    const { knock } = await decided;
    assert.equal(knock.status, 'admitted_once');
    assert.ok(knock.guest_until);
    const heard = nextEvent(memberSocket, 'chat:message');
    await ok(visitorSocket, 'chat:send', { club_id: clubId, client_id: 'guest-1', body: 'Glad to sit in' });
    assert.equal((await heard).author_id, visitor.id);

    const knocked = await ok(strangerSocket, 'club:knock', { club_id: clubId });
    const refused = nextEvent(strangerSocket, 'membership:decided');
    await ok(ownerSocket, 'membership:decide', { club_id: clubId, knock_id: knocked.knock.id, decision: 'refuse' });
    assert.equal((await refused).knock.status, 'refused');
    assert.equal((await fails(strangerSocket, 'chat:send', { club_id: clubId, client_id: 'no-1', body: 'Let me in' })).code, 'forbidden');
    // Deciding twice is a conflict.
    assert.equal((await fails(ownerSocket, 'membership:decide', { club_id: clubId, knock_id: knocked.knock.id, decision: 'admit_member' })).code, 'conflict');
  });

  it('delivers a REST knock live too, and lets only owners and moderators decide', async () => {
    const { clubId, owner, member } = cast;
    const [ownerSocket, memberSocket] = await Promise.all([online(owner), online(member)]);
    const knocker = await signUpAndLogin(server.http);
    const requested = nextEvent(ownerSocket, 'membership:requested');
    const rest = await server.http.post(`/api/clubs/${clubId}/knocks`, { message: 'via the website' }, knocker.access);
    assert.equal(rest.status, 201);
    assert.equal((await requested).knock.message, 'via the website');
    const refused = await fails(memberSocket, 'membership:decide', { club_id: clubId, knock_id: rest.body.id, decision: 'admit_member' });
    assert.equal(refused.code, 'forbidden');
    assert.match(refused.message, /member.*knock\.decide/);
    // Clean up: the owner refuses over REST; nobody is left pending.
    await server.http.post(`/api/clubs/${clubId}/knocks/${rest.body.id}/decision`, { decision: 'refuse' }, owner.access);
  });

  it('shows an owner who comes online later the knocks that waited', async () => {
    const owner = await signUpAndLogin(server.http);
    const club = await createClub(server.http, owner);
    const [a, b] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    await server.http.post(`/api/clubs/${club.id}/knocks`, { message: 'first' }, a.access);
    await server.http.post(`/api/clubs/${club.id}/knocks`, { message: 'second' }, b.access);

    const socket = openSocket(server.url, owner.access);
    open.track(socket);
    const pending = await nextEvent(socket, 'membership:pending');
    assert.equal(pending.club_id, club.id);
    assert.deepEqual(pending.knocks.map((k) => k.message), ['first', 'second']);
  });

  it('lets a knocker follow a public club while waiting; refuses banned knockers and wrong passwords', async () => {
    const owner = await signUpAndLogin(server.http);
    const club = await createClub(server.http, owner);
    const knocker = await signUpAndLogin(server.http);
    const knockerSocket = await online(knocker);
    await ok(knockerSocket, 'club:knock', { club_id: club.id });
    const seen = nextEvent(knockerSocket, 'presence:update', (u) => u.club_id === club.id && u.online.includes(owner.id));
    await online(owner);
    await seen;

    const banned = await signUpAndLogin(server.http);
    assert.equal((await server.http.post(`/api/clubs/${club.id}/members/${banned.id}/ban`, { reason: 'spam' }, owner.access)).status, 204);
    const bannedSocket = await online(banned);
    assert.equal((await fails(bannedSocket, 'club:knock', { club_id: club.id })).code, 'banned');
    assert.equal((await fails(bannedSocket, 'club:watch', { club_id: club.id })).code, 'banned');

    const locked = await createClub(server.http, owner, { visibility: 'private', join_password: 'open sesame' });
    assert.equal((await fails(knockerSocket, 'club:knock', { club_id: locked.id })).code, 'join_password_invalid');
    assert.equal((await ok(knockerSocket, 'club:knock', { club_id: locked.id, password: 'open sesame' })).created, true);
  });
});
