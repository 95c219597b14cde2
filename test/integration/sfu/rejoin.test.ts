// What a client coming back to a meeting learns from the join reply alone: after a real
// Socket.IO reconnect within the grace period, the transports, producers and consumers the
// server kept, with everyone's rights and producers; after the grace period, or when another
// tab took the peer over, a clear word that it must create new transports.
import assert from 'node:assert/strict';
import type { TestAccount } from '../../helpers/accounts.js';
import { ManualClock } from '../../helpers/clock.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { nextEvent, ok, OpenSockets, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';
import type { MeetingHub } from '../../../sfu/meeting-hub.js';

const GRACE_MS = 2000;

describe('meetings: the join reply of a returning client', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hub: MeetingHub;
  let cast: ClubCast;
  const clock = new ManualClock();
  const sockets = new OpenSockets(() => server.url);

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1', SFU_RECONNECT_GRACE_MS: String(GRACE_MS) }, clock });
    hub = server.app.meetings!;
  });
  beforeEach(async () => {
    cast = await clubWithCast(server.http);
  });
  afterEach(() => sockets.closeAll());
  after(async () => {
    await server?.close();
  });

  const peerOf = (meetingId: number, account: TestAccount) => hub.describe(meetingId)?.peers.find((p) => p.user_id === account.id);

  /**
   * The owner publishes a microphone; the member (on a socket that reconnects by itself)
   * publishes one, receives the owner's, and is muted by the owner.
   */
  const inMeeting = async () => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 14' }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const meetingId = res.body.id as number;
    const owner = await sockets.connect(cast.owner);
    await ok(owner, 'meeting:join', { meeting_id: meetingId });
    const ownerSend = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const ownerMic = await ok(owner, 'produce', { meeting_id: meetingId, transport_id: ownerSend.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(7000 + meetingId) });

    const member = await sockets.connect(cast.member, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    const joined = await ok(member, 'meeting:join', { meeting_id: meetingId });
    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(8000 + meetingId) });
    const recv = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'recv', rtp_capabilities: joined.rtp_capabilities });
    // The receive transport comes with a consumer of the owner's microphone.
    const consumer = recv.consumers?.find((c) => c.producerId === ownerMic.id);
    assert.ok(consumer, 'the recv transport brought a consumer of the owner’s microphone');
    await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: cast.member.id, muted: true });
    return { meetingId, owner, ownerMic, member, send, mic, recv, consumer };
  };

  /** Drops the member's connection under the socket.io client, which reconnects on its own; resolves once the server saw the drop. */
  const dropAndReconnect = async (meetingId: number, socket: TestSocket): Promise<void> => {
    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => socket.once('connect', () => resolve())));
    socket.io.engine.close();
    await reconnected;
    await waitFor(() => peerOf(meetingId, cast.member)?.connected === false, 'the server to start the grace period');
  };

  it('lists the kept transports, producers and consumers after a Socket.IO reconnect within the grace period', async () => {
    const { meetingId, ownerMic, member, send, mic, recv, consumer } = await inMeeting();
    await dropAndReconnect(meetingId, member);

    const back = await ok(member, 'meeting:join', { meeting_id: meetingId });
    assert.equal(back.resumed, true);
    assert.equal(back.recreate_transports, false);
    assert.deepEqual(back.transports.map((t) => `${t.direction}:${t.id}`).sort(), [`recv:${recv.id}`, `send:${send.id}`]);
    assert.deepEqual(back.producers, [{ id: mic.id, user_id: cast.member.id, kind: 'audio', source: 'mic', paused: true }], 'the microphone, paused by the lock');
    assert.deepEqual(back.consumers, [
      { id: consumer.id, producer_id: ownerMic.id, user_id: cast.owner.id, kind: 'audio', source: 'mic', paused: true, producer_paused: false },
    ]);
    assert.equal(back.rtp_capabilities_known, true);
    assert.deepEqual(back.self, { user_id: cast.member.id, can_publish: true, mic_locked: true }, 'the lock held across the reconnect');
    assert.deepEqual(back.peers, [
      { user_id: cast.owner.id, can_publish: true, mic_locked: false, producers: [{ id: ownerMic.id, user_id: cast.owner.id, kind: 'audio', source: 'mic', paused: false }] },
    ]);
    // What the reply lists is usable as it is from the new socket.
    await ok(member, 'transport:restart-ice', { meeting_id: meetingId, transport_id: recv.id });
    await ok(member, 'consumer:resume', { meeting_id: meetingId, consumer_id: consumer.id });
  });

  it('says the transports must be created anew when the grace period ran out before the reconnect', async () => {
    const { meetingId, owner, member } = await inMeeting();
    await dropAndReconnect(meetingId, member);
    const left = nextEvent(owner, 'peer:left', (e) => e.user_id === cast.member.id);
    clock.advance(GRACE_MS + 1);
    assert.equal((await left).reason, 'timeout');

    const back = await ok(member, 'meeting:join', { meeting_id: meetingId });
    assert.equal(back.resumed, false);
    assert.equal(back.recreate_transports, true);
    assert.deepEqual([back.transports, back.producers, back.consumers], [[], [], []]);
    assert.equal(back.rtp_capabilities_known, false);
    assert.equal(back.self.mic_locked, true, "the moderator's lock outlived the peer");
    // The client carries on with new transports.
    const recv = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'recv', rtp_capabilities: back.rtp_capabilities });
    assert.ok(recv.id);
  });

  it('says the transports must be created anew when another tab takes the peer over', async () => {
    const { meetingId, member } = await inMeeting();
    const replaced = nextEvent(member, 'peer:left', (e) => e.reason === 'replaced');
    const second = await sockets.connect(cast.member);
    const taken = await ok(second, 'meeting:join', { meeting_id: meetingId });
    await replaced;
    assert.equal(taken.resumed, true);
    assert.equal(taken.recreate_transports, true);
    assert.deepEqual([taken.transports, taken.producers, taken.consumers], [[], [], []]);
    assert.equal(taken.rtp_capabilities_known, false, "the first tab's capabilities are not the second's");
    assert.equal(taken.peers.length, 1);
  });
});
