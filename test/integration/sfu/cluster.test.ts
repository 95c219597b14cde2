// Meetings' media on two nodes sharing one Postgres and one Redis: the first node to open a
// meeting hosts its media; a join or a moderation sent to the other node is answered with
// `meeting_elsewhere` and the hosting node's url, and media flows once the client goes there;
// a meeting ended or a member removed over REST on the other node reaches the hosting node's
// sockets; a node that shuts down gives up its claims, so the other node can host at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { joinOverSocket } from '../../helpers/meeting-sockets.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/postgres.js';
import { type RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { requireServices } from '../../helpers/services.js';
import { closeSockets, connect, fails, nextEvent, ok, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

describe('sfu: meetings on two nodes', function () {
  this.timeout(60_000);
  let scratch: ScratchDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let cast: ClubCast;
  let sockets: TestSocket[] = [];
  let bots: RtpBot[] = [];

  const online = async (node: TestServer, account: TestAccount) => {
    const socket = await connect(node.url, account.access);
    sockets.push(socket);
    return socket;
  };
  const liveMeeting = async (): Promise<number> => {
    const res = await nodeA.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 12' }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'live');
    return res.body.id;
  };
  /** Owner and member both in a new meeting on node A, over sockets on A. */
  const bothOnA = async () => {
    const meetingId = await liveMeeting();
    const owner = await online(nodeA, cast.owner);
    const member = await online(nodeA, cast.member);
    await ok(owner, 'meeting:join', { meeting_id: meetingId });
    await ok(member, 'meeting:join', { meeting_id: meetingId });
    return { meetingId, owner, member };
  };

  before(async function () {
    const services = requireServices(this, 'postgres', 'redis');
    scratch = await createScratchDatabase(services.postgres);
    const env = { REDIS_PREFIX: `rt-sfu-cluster-${randomBytes(4).toString('hex')}:`, SFU_WORKERS: '1', SFU_CLAIM_TTL_MS: '1500' };
    nodeA = await startTestServer({ databaseUrl: scratch.url, env });
    nodeB = await startTestServer({ databaseUrl: scratch.url, env });
  });
  beforeEach(async () => {
    cast = await clubWithCast(nodeA.http);
  });
  afterEach(() => {
    for (const bot of bots) bot.close();
    closeSockets(...sockets);
    bots = [];
    sockets = [];
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await scratch?.drop();
  });

  it('sends a join on the other node to the hosting node, where media flows', async () => {
    const meetingId = await liveMeeting();
    const ownerOnA = await online(nodeA, cast.owner);
    const ownerBot = await joinOverSocket(ownerOnA, nodeA.app.meetings!, meetingId, cast.owner.id);
    bots.push(ownerBot);

    const memberOnB = await online(nodeB, cast.member);
    const refused = await fails(memberOnB, 'meeting:join', { meeting_id: meetingId });
    assert.equal(refused.code, 'meeting_elsewhere');
    assert.deepEqual(refused.details, { url: nodeA.url });
    assert.equal(nodeB.app.meetings!.describe(meetingId), null, 'node B opened media for a meeting node A hosts');

    const memberOnA = await online(nodeA, cast.member);
    const joined = nextEvent(ownerOnA, 'peer:joined', (p) => p.meeting_id === meetingId);
    const memberBot = await joinOverSocket(memberOnA, nodeA.app.meetings!, meetingId, cast.member.id);
    bots.push(memberBot);
    assert.equal((await joined).peer.user_id, cast.member.id);

    await ownerBot.consumeBots([memberBot]);
    await waitFor(() => ownerBot.packetsFrom(memberBot.producers.mic!) > 10, "the member's microphone to reach the owner", 10_000);
  });

  it('refuses moderation on the node without the media, naming the hosting node', async () => {
    const { meetingId, member } = await bothOnA();
    const ownerOnB = await online(nodeB, cast.owner);
    const refused = await fails(ownerOnB, 'peer:mute', { meeting_id: meetingId, user_id: cast.member.id, muted: true });
    assert.equal(refused.code, 'meeting_elsewhere');
    assert.deepEqual(refused.details, { url: nodeA.url });

    // Sent where the url points, the same mute reaches the member.
    const ownerOnA = await online(nodeA, cast.owner);
    const told = nextEvent(member, 'peer:rights', (p) => p.user_id === cast.member.id);
    const muted = await ok(ownerOnA, 'peer:mute', { meeting_id: meetingId, user_id: cast.member.id, muted: true });
    assert.equal(muted.mic_locked, true);
    assert.equal((await told).mic_locked, true);
  });

  it('ends the media on the hosting node when the meeting ends over REST on the other', async () => {
    const { meetingId, owner, member } = await bothOnA();
    assert.notEqual(nodeA.app.meetings!.describe(meetingId), null);
    const endedForOwner = nextEvent(owner, 'meeting:ended', (p) => p.meeting_id === meetingId);
    const endedForMember = nextEvent(member, 'meeting:ended', (p) => p.meeting_id === meetingId);

    const res = await nodeB.http.post(`/api/meetings/${meetingId}/end`, undefined, cast.owner.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await endedForOwner).reason, 'ended');
    assert.equal((await endedForMember).reason, 'ended');
    await waitFor(() => nodeA.app.meetings!.describe(meetingId) === null, "node A to close the meeting's media", 10_000);
  });

  it('takes a member removed from the club over REST on the other node out of the meeting', async () => {
    const { meetingId, owner, member } = await bothOnA();
    const toMember = nextEvent(member, 'peer:left', (p) => p.user_id === cast.member.id);
    const toOwner = nextEvent(owner, 'peer:left', (p) => p.user_id === cast.member.id);

    const res = await nodeB.http.delete(`/api/clubs/${cast.clubId}/members/${cast.member.id}`, cast.owner.access);
    assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
    assert.equal((await toMember).reason, 'removed_from_club');
    assert.equal((await toOwner).reason, 'removed_from_club');
    assert.deepEqual(nodeA.app.meetings!.describe(meetingId)?.peers.map((p) => p.user_id), [cast.owner.id]);
  });

  // Last: node A is gone afterwards.
  it('lets the other node host a meeting once the hosting node has shut down', async () => {
    const meetingId = await liveMeeting();
    const ownerOnA = await online(nodeA, cast.owner);
    await ok(ownerOnA, 'meeting:join', { meeting_id: meetingId });
    const memberOnB = await online(nodeB, cast.member);
    assert.equal((await fails(memberOnB, 'meeting:join', { meeting_id: meetingId })).code, 'meeting_elsewhere');

    const shutdown = nextEvent(ownerOnA, 'meeting:ended', (p) => p.meeting_id === meetingId);
    await nodeA.close();
    assert.equal((await shutdown).reason, 'server_shutdown');

    // At once, within the claim's TTL: node A gave its claim up at shutdown rather than leave it to expire.
    const reply = await ok(memberOnB, 'meeting:join', { meeting_id: meetingId });
    assert.equal(reply.meeting_id, meetingId);
    assert.deepEqual(nodeB.app.meetings!.describe(meetingId)?.peers.map((p) => p.user_id), [cast.member.id]);
  });
});
