// Meetings driven over Socket.IO against a real server (composition root, PGlite, one
// mediasoup worker): who may join, the WebRTC transport handshake, real RTP between socket
// peers, moderation rights, removal from the club, dropped sockets within and past the grace
// period, a second tab taking the seat, REST ending the meeting, opting out of transcription,
// and a worker crash told to the clients.
import assert from 'node:assert/strict';
import type { ClubCast } from '../../helpers/clubs.js';
import { clubWithCast } from '../../helpers/clubs.js';
import { FAKE_DTLS, joinOverSocket } from '../../helpers/meeting-sockets.js';
import { type RtpBot } from '../../helpers/rtp-bots.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, nextEvent, noneBefore, ok, OpenSockets, request, roundTrip, type TestSocket } from '../../helpers/sockets.js';
import type { TestAccount } from '../../helpers/accounts.js';
import type { MeetingHub } from '../../../sfu/meeting-hub.js';
import { waitFor } from '../../helpers/wait.js';
import { ManualClock } from '../../helpers/clock.js';

const GRACE_MS = 1500;

describe('meetings over signaling', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hub: MeetingHub;
  let cast: ClubCast;
  // The server's grace periods (and rate windows) run on this clock: the test moves it.
  const clock = new ManualClock();
  const sockets = new OpenSockets(() => server.url);
  const bots: RtpBot[] = [];
  const socketOf = (account: TestAccount): Promise<TestSocket> => sockets.connect(account);
  const openMeeting = async (body: Record<string, unknown> = {}): Promise<number> => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 3', ...body }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };
  /** Resolves once the server has handled the socket's disconnection. */
  const goneFromServer = (socket: TestSocket) => {
    const id = socket.id;
    socket.disconnect();
    return waitFor(() => !server.app.signaling.io.of('/').sockets.has(id ?? ''), 'the server to see the socket go');
  };
  const peerOf = (meetingId: number, account: TestAccount) => hub.describe(meetingId)?.peers.find((p) => p.user_id === account.id);
  const bot = async (socket: TestSocket, meetingId: number, account: TestAccount, options: Parameters<typeof joinOverSocket>[4] = {}) => {
    const b = await joinOverSocket(socket, hub, meetingId, account.id, options);
    bots.push(b);
    return b;
  };

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1', SFU_RECONNECT_GRACE_MS: String(GRACE_MS) }, clock });
    assert.ok(server.app.meetings, 'the server runs the SFU');
    hub = server.app.meetings;
  });
  beforeEach(async () => {
    cast = await clubWithCast(server.http);
  });
  afterEach(() => {
    for (const b of bots.splice(0)) b.close();
    sockets.closeAll();
  });
  after(async () => {
    await server?.close();
  });

  it('lets members and guests in, and keeps outsiders and unknown meetings out', async () => {
    const meetingId = await openMeeting();
    const outsider = await socketOf(cast.outsider);
    assert.equal((await fails(outsider, 'meeting:join', { meeting_id: meetingId })).code, 'forbidden');
    assert.equal((await fails(outsider, 'meeting:join', { meeting_id: 987_654 })).code, 'not_found');
    const invalid = await fails(outsider, 'meeting:join', { meeting_id: -1 });
    assert.equal(invalid.code, 'validation_failed');

    const owner = await socketOf(cast.owner);
    const joined = await ok(owner, 'meeting:join', { meeting_id: meetingId });
    const mimeTypes = new Set(joined.rtp_capabilities.codecs?.map((c) => c.mimeType));
    for (const codec of ['audio/opus', 'video/VP8', 'video/VP9', 'video/H264']) assert.ok(mimeTypes.has(codec), `${codec} is offered`);
    assert.deepEqual(joined.peers, []);

    const guest = await socketOf(cast.guest);
    const announced = nextEvent(owner, 'peer:joined', (e) => e.peer.user_id === cast.guest.id);
    const guestJoined = await ok(guest, 'meeting:join', { meeting_id: meetingId });
    assert.deepEqual(guestJoined.peers.map((p) => p.user_id), [cast.owner.id]);
    await announced;
    // Without joining, a socket cannot touch the meeting's media.
    assert.equal((await fails(outsider, 'transport:create', { meeting_id: meetingId, direction: 'send' })).code, 'not_found');
  });

  it('opens WebRTC transports, restarts ICE with new parameters, and announces producers to consumers', async () => {
    const meetingId = await openMeeting();
    const owner = await socketOf(cast.owner);
    const member = await socketOf(cast.member);
    await ok(owner, 'meeting:join', { meeting_id: meetingId });
    const joined = await ok(member, 'meeting:join', { meeting_id: meetingId });

    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    assert.ok(send.iceCandidates.length > 0 && send.iceParameters.usernameFragment && send.dtlsParameters.fingerprints.length > 0);
    await ok(member, 'transport:connect', { meeting_id: meetingId, transport_id: send.id, dtls_parameters: FAKE_DTLS });
    const restarted = await ok(member, 'transport:restart-ice', { meeting_id: meetingId, transport_id: send.id });
    assert.notEqual(restarted.iceParameters.usernameFragment, send.iceParameters.usernameFragment);
    assert.notEqual(restarted.iceParameters.password, send.iceParameters.password);

    const announced = nextEvent(owner, 'producer:new', (e) => e.producer.user_id === cast.member.id);
    const produced = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(4242) });
    assert.equal((await announced).producer.id, produced.id);
    // One microphone per person.
    const second = await fails(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(4343) });
    assert.equal(second.code, 'conflict');

    const recv = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    const consumer = await ok(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: produced.id, rtp_capabilities: joined.rtp_capabilities });
    assert.equal(consumer.producerId, produced.id);
    assert.equal(consumer.user_id, cast.member.id);
    await ok(owner, 'consumer:resume', { meeting_id: meetingId, consumer_id: consumer.id });
    // Another person's consumer is not the member's to resume.
    assert.equal((await fails(member, 'consumer:resume', { meeting_id: meetingId, consumer_id: consumer.id })).code, 'not_found');

    const closed = nextEvent(owner, 'consumer:closed', (e) => e.consumer_id === consumer.id);
    await ok(member, 'producer:close', { meeting_id: meetingId, producer_id: produced.id });
    await closed;
  });

  it('carries real RTP between socket peers and records who talked how long', async () => {
    const meetingId = await openMeeting();
    const ownerSocket = await socketOf(cast.owner);
    const memberSocket = await socketOf(cast.member);
    const owner = await bot(ownerSocket, meetingId, cast.owner, { audio: false, video: false });
    const speaker = nextEvent(ownerSocket, 'active-speaker', (e) => e.user_id === cast.member.id, 5000);
    const member = await bot(memberSocket, meetingId, cast.member, { audio: true, video: 'simple', levelDbov: 20 });
    await owner.consumeBots([member]);
    await waitFor(() => owner.packetsFrom(member.producers.mic!) > 20 && owner.packetsFrom(member.producers.camera!) > 20, 'audio and video from the member', 10_000);
    assert.equal((await speaker).producer_id, member.producers.mic);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const ended = nextEvent(memberSocket, 'meeting:ended', (e) => e.meeting_id === meetingId);
    const res = await server.http.post(`/api/meetings/${meetingId}/end`, {}, cast.owner.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await ended).reason, 'ended');
    await waitFor(() => hub.describe(meetingId) === null, 'the media closed', 10_000);

    await waitFor(async () => {
      const detail = await server.http.get(`/api/meetings/${meetingId}`, cast.owner.access);
      const talker = detail.body.participants.find((p: { user: { id: number } }) => p.user.id === cast.member.id);
      return detail.body.status === 'ended' && talker?.talk_ms >= 500 && talker.present === false;
    }, 'talk time stored with the participants', 5000);
    const detail = await server.http.get(`/api/meetings/${meetingId}`, cast.owner.access);
    const listener = detail.body.participants.find((p: { user: { id: number } }) => p.user.id === cast.owner.id);
    assert.equal(listener.talk_ms, 0, 'the silent owner talked for no time');
  });

  it('lets moderators mute, stop video, revoke publishing and remove peers they outrank, and nobody else', async () => {
    const meetingId = await openMeeting();
    const moderatorSocket = await socketOf(cast.moderator);
    const memberSocket = await socketOf(cast.member);
    const ownerSocket = await socketOf(cast.owner);
    await ok(ownerSocket, 'meeting:join', { meeting_id: meetingId });
    const listener = await bot(moderatorSocket, meetingId, cast.moderator, { audio: false });
    const member = await bot(memberSocket, meetingId, cast.member, { audio: true, video: 'simple' });
    await listener.consumeBots([member]);
    await waitFor(() => listener.packetsFrom(member.producers.mic!) > 5, 'audio before the mute', 10_000);

    // A member may not moderate; a moderator may not moderate the owner.
    assert.equal((await fails(memberSocket, 'peer:mute', { meeting_id: meetingId, user_id: cast.moderator.id, muted: true })).code, 'forbidden');
    assert.equal((await fails(moderatorSocket, 'peer:remove', { meeting_id: meetingId, user_id: cast.owner.id })).code, 'forbidden');

    const paused = nextEvent(memberSocket, 'producer:paused', (e) => e.by_moderator && e.producer_id === member.producers.mic);
    const rights = await ok(moderatorSocket, 'peer:mute', { meeting_id: meetingId, user_id: cast.member.id, muted: true });
    assert.equal(rights.mic_locked, true);
    await paused;
    const refused = await fails(memberSocket, 'producer:resume', { meeting_id: meetingId, producer_id: member.producers.mic! });
    assert.equal(refused.code, 'forbidden');

    const videoClosed = nextEvent(memberSocket, 'producer:closed', (e) => e.producer_id === member.producers.camera && e.reason === 'moderator');
    await ok(moderatorSocket, 'peer:stop-video', { meeting_id: meetingId, user_id: cast.member.id });
    await videoClosed;

    const revoked = nextEvent(memberSocket, 'peer:rights', (e) => e.user_id === cast.member.id && !e.can_publish);
    await ok(moderatorSocket, 'peer:publish', { meeting_id: meetingId, user_id: cast.member.id, allowed: false });
    await revoked;
    assert.equal(hub.describe(meetingId)?.peers.find((p) => p.user_id === cast.member.id)?.producers, 0, 'revoking closed every producer');

    const removed = nextEvent(memberSocket, 'peer:left', (e) => e.user_id === cast.member.id && e.reason === 'removed');
    const othersTold = nextEvent(ownerSocket, 'peer:left', (e) => e.user_id === cast.member.id);
    await ok(moderatorSocket, 'peer:remove', { meeting_id: meetingId, user_id: cast.member.id });
    await Promise.all([removed, othersTold]);
    assert.equal((await fails(memberSocket, 'transport:create', { meeting_id: meetingId, direction: 'send' })).code, 'not_found');
    const again = await fails(memberSocket, 'meeting:join', { meeting_id: meetingId });
    assert.deepEqual([again.code, again.details], ['forbidden', { reason: 'removed' }], 'a removed peer stays out');

    // A moderator may restrict themselves, but only someone above them lifts it.
    await ok(moderatorSocket, 'peer:publish', { meeting_id: meetingId, user_id: cast.moderator.id, allowed: false });
    assert.equal((await fails(moderatorSocket, 'peer:publish', { meeting_id: meetingId, user_id: cast.moderator.id, allowed: true })).code, 'forbidden');
    assert.equal((await ok(ownerSocket, 'peer:publish', { meeting_id: meetingId, user_id: cast.moderator.id, allowed: true })).can_publish, true);
  });

  it('closes the transports of a member removed from the club at once', async () => {
    const meetingId = await openMeeting();
    const ownerSocket = await socketOf(cast.owner);
    const memberSocket = await socketOf(cast.member);
    const owner = await bot(ownerSocket, meetingId, cast.owner, { audio: false });
    const member = await bot(memberSocket, meetingId, cast.member);
    await owner.consumeBots([member]);
    await waitFor(() => owner.packetsFrom(member.producers.mic!) > 5, 'audio from the member', 10_000);

    const told = nextEvent(memberSocket, 'peer:left', (e) => e.user_id === cast.member.id && e.reason === 'removed_from_club');
    const others = nextEvent(ownerSocket, 'producer:closed', (e) => e.producer_id === member.producers.mic);
    const res = await server.http.delete(`/api/clubs/${cast.clubId}/members/${cast.member.id}`, cast.owner.access);
    assert.equal(res.status, 204, JSON.stringify(res.body));
    await Promise.all([told, others]);
    assert.equal(hub.describe(meetingId)?.peers.some((p) => p.user_id === cast.member.id), false);
    assert.equal((await fails(memberSocket, 'meeting:join', { meeting_id: meetingId })).code, 'forbidden');
  });

  it('keeps a dropped peer for the grace period (ICE restart on return), and lets go of it after', async () => {
    const meetingId = await openMeeting();
    const ownerSocket = await socketOf(cast.owner);
    await ok(ownerSocket, 'meeting:join', { meeting_id: meetingId });
    const first = await socketOf(cast.member);
    await ok(first, 'meeting:join', { meeting_id: meetingId });
    const transport = await ok(first, 'transport:create', { meeting_id: meetingId, direction: 'send' });

    await goneFromServer(first);
    assert.equal(peerOf(meetingId, cast.member)?.connected, false, 'waiting out the grace period');
    clock.advance(GRACE_MS / 3);
    const second = await socketOf(cast.member);
    const back = await ok(second, 'meeting:join', { meeting_id: meetingId });
    assert.equal(back.resumed, true);
    assert.deepEqual(back.transports.map((t) => t.id), [transport.id], 'the transport was kept');
    const restarted = await ok(second, 'transport:restart-ice', { meeting_id: meetingId, transport_id: transport.id });
    assert.notEqual(restarted.iceParameters.usernameFragment, transport.iceParameters.usernameFragment);
    // Past the end of the first grace period: nobody is told the member left (the owner's
    // reply to a later request arrives first), and the member is still there.
    await noneBefore(ownerSocket, 'peer:left', async () => {
      clock.advance(GRACE_MS + 300);
      await roundTrip(ownerSocket);
    });
    assert.equal(peerOf(meetingId, cast.member)?.connected, true, 'rejoining cancelled the timeout');

    await goneFromServer(second);
    const gone = nextEvent(ownerSocket, 'peer:left', (e) => e.user_id === cast.member.id);
    clock.advance(GRACE_MS - 1);
    assert.ok(peerOf(meetingId, cast.member), 'kept until the grace period ends');
    clock.advance(1);
    assert.equal((await gone).reason, 'timeout');
    assert.equal(hub.describe(meetingId)?.peers.some((p) => p.user_id === cast.member.id), false);
  });

  it('lets go at once of a dropped peer whose login session ends', async () => {
    const meetingId = await openMeeting();
    const ownerSocket = await socketOf(cast.owner);
    await ok(ownerSocket, 'meeting:join', { meeting_id: meetingId });
    const memberSocket = await socketOf(cast.member);
    await ok(memberSocket, 'meeting:join', { meeting_id: meetingId });
    memberSocket.disconnect();
    await waitFor(() => hub.describe(meetingId)?.peers.find((p) => p.user_id === cast.member.id)?.connected === false, 'the member waiting out the grace period', 10_000);
    const gone = nextEvent(ownerSocket, 'peer:left', (e) => e.user_id === cast.member.id, GRACE_MS / 2);
    const res = await server.http.post('/auth/logout-all', {}, cast.member.access);
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await gone).reason, 'timeout');
  });

  it('hands the seat to a second tab and ignores the first one from then on', async () => {
    const meetingId = await openMeeting();
    const first = await socketOf(cast.member);
    await ok(first, 'meeting:join', { meeting_id: meetingId });
    await ok(first, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const replaced = nextEvent(first, 'peer:left', (e) => e.reason === 'replaced');
    const second = await socketOf(cast.member);
    const taken = await ok(second, 'meeting:join', { meeting_id: meetingId });
    assert.equal(taken.resumed, true);
    assert.deepEqual(taken.transports, [], "the first tab's transports were closed, not handed over");
    await replaced;
    assert.equal((await fails(first, 'transport:create', { meeting_id: meetingId, direction: 'recv' })).code, 'not_found');
    await ok(second, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    // The first tab going away does not take the peer with it (nor starts its grace period).
    await goneFromServer(first);
    await noneBefore(second, 'peer:left', async () => {
      clock.advance(GRACE_MS + 300);
      await roundTrip(second);
    });
    assert.equal(peerOf(meetingId, cast.member)?.connected, true);
  });

  it('keeps the seat of a socket that sends meeting:join twice at once', async () => {
    const meetingId = await openMeeting();
    const socket = await socketOf(cast.member);
    const answers = await Promise.all([request(socket, 'meeting:join', { meeting_id: meetingId }), request(socket, 'meeting:join', { meeting_id: meetingId })]);
    assert.ok(answers.some((a) => a.ok), JSON.stringify(answers));
    await ok(socket, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    // And the peer still follows the socket: dropping it starts the grace period.
    socket.disconnect();
    await waitFor(() => hub.describe(meetingId)?.peers.find((p) => p.user_id === cast.member.id)?.connected === false, 'the grace period', 10_000);
  });

  it('starts a scheduled meeting only when a moderator joins, and caps it at the club size', async () => {
    const scheduled = await openMeeting({ scheduled_at: new Date(Date.now() + 3_600_000).toISOString() });
    const memberSocket = await socketOf(cast.member);
    assert.equal((await fails(memberSocket, 'meeting:join', { meeting_id: scheduled })).code, 'conflict');
    const moderatorSocket = await socketOf(cast.moderator);
    await ok(moderatorSocket, 'meeting:join', { meeting_id: scheduled });
    assert.equal((await server.http.get(`/api/meetings/${scheduled}`, cast.owner.access)).body.status, 'live');
    await ok(memberSocket, 'meeting:join', { meeting_id: scheduled });

    // A club of at most 5: the sixth person (a guest admitted once) finds the meeting full.
    const small = await server.http.patch(`/api/clubs/${cast.clubId}`, { max_members: 5 }, cast.owner.access);
    assert.equal(small.status, 200, JSON.stringify(small.body));
    const meetingId = await openMeeting();
    const people = [cast.owner, cast.moderator, cast.notetaker, cast.member, cast.guest];
    for (const person of people) await ok(await socketOf(person), 'meeting:join', { meeting_id: meetingId });
    const late = await socketOf(cast.outsider);
    const res = await server.http.post(`/api/clubs/${cast.clubId}/knocks`, {}, cast.outsider.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await server.http.post(`/api/clubs/${cast.clubId}/knocks/${res.body.id}/decision`, { decision: 'admit_once' }, cast.owner.access);
    const full = await fails(late, 'meeting:join', { meeting_id: meetingId });
    assert.equal(full.code, 'conflict');
    assert.deepEqual(full.details, { reason: 'meeting_full', limit: 5 });
  });

  it('stops tapping the audio of a member who opts out of transcription, during the meeting', async () => {
    const taps = server.app.audioTaps!;
    const meetingId = await openMeeting({ transcription: true });
    const member = await bot(await socketOf(cast.member), meetingId, cast.member);
    await waitFor(() => taps.has(member.producers.mic!), 'a tap on the microphone', 10_000);
    const res = await server.http.patch('/api/me', { transcription_opt_out: true }, cast.member.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitFor(() => !taps.has(member.producers.mic!), 'the tap closed', 10_000);

    // Opted out before joining: never tapped, while the owner's microphone, produced after it, is.
    const secondMeeting = await openMeeting({ transcription: true });
    const other = await bot(await socketOf(cast.member), secondMeeting, cast.member);
    const control = await bot(await socketOf(cast.owner), secondMeeting, cast.owner);
    await waitFor(() => taps.has(control.producers.mic!), 'a tap on the owner\'s microphone', 10_000);
    assert.equal(taps.has(other.producers.mic!) || taps.isOpening(other.producers.mic!), false, 'the opted-out microphone is not tapped');
    await server.http.patch('/api/me', { transcription_opt_out: false }, cast.member.access);
    await waitFor(() => taps.has(other.producers.mic!), 'tapped again once opted back in', 10_000);
  });

  it('lets a client negotiate a full meeting in one burst, within a limit', async () => {
    const meetingId = await openMeeting();
    const socket = await socketOf(cast.member);
    await ok(socket, 'meeting:join', { meeting_id: meetingId });
    // Joining a meeting of 50 means up to 150 consumes and as many resumes, sent at once.
    const burst = (n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => request(socket, 'consumer:pause', { meeting_id: meetingId, consumer_id: `c-${i}` }, 10_000)));
    const answers = await burst(300);
    assert.deepEqual(new Set(answers.map((a) => (a.ok ? 'ok' : a.error.code))), new Set(['not_found']), 'no media request was refused for its rate');
    const flood = await burst(600);
    assert.ok(flood.some((a) => !a.ok && a.error.code === 'rate_limited'), 'a flood is still limited');
    // The general budget was left alone: chat and presence still work.
    await ok(socket, 'presence:list', { club_id: cast.clubId });
  });

  it('tells clients to reconnect their transports when the worker under their meeting dies', async () => {
    const meetingId = await openMeeting();
    const ownerSocket = await socketOf(cast.owner);
    const joined = await ok(ownerSocket, 'meeting:join', { meeting_id: meetingId });
    await ok(ownerSocket, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const rebuilt = nextEvent(ownerSocket, 'meeting:rebuilt', (e) => e.meeting_id === meetingId, 15_000);
    process.kill(hub.describe(meetingId)!.routers[0]!.worker_pid, 'SIGKILL');
    const event = await rebuilt;
    assert.deepEqual(event.rtp_capabilities.codecs?.length, joined.rtp_capabilities.codecs?.length);
    // The client carries on: new transports on the new router, no reload.
    const again = await ok(ownerSocket, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    assert.ok(again.id);
  });
});
