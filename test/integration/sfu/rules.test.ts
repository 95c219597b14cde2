// The media rules the SFU enforces: moderation (mute lock, stop video, publish rights,
// removal), club removal, meeting end, participant caps, reconnecting within the grace period.
import assert from 'node:assert/strict';
import { MemoryRecorder } from '../../../sfu/recorder.js';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { ManualClock } from '../../helpers/clock.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

const GRACE_MS = 500;
const withCode = (code: string) => (err: Error & { code?: string }) => err.code === code;

describe('sfu: meeting rules', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  let recorder: MemoryRecorder;
  const clock = new ManualClock();
  const bots: RtpBot[] = [];
  const join = async (meetingId: number, userId: number, options: Parameters<typeof RtpBot.join>[2] = {}, extra = {}) => {
    const bot = await RtpBot.join(sfu.hub, intentFor(meetingId, userId, extra), options);
    bots.push(bot);
    return bot;
  };

  before(async () => {
    recorder = new MemoryRecorder();
    sfu = await startSfu({ recorder, settings: { reconnectGraceMs: GRACE_MS, maxPeersPerMeeting: 3 }, clock });
  });
  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
  });
  after(async () => {
    await sfu.close();
  });

  it('mutes a member who may not unmute until allowed, even after leaving and coming back', async () => {
    const member = await join(21, 2);
    const listener = await join(21, 3, { audio: false });
    const control = await join(21, 4); // keeps talking: its packets pace the check below
    await listener.consume([member.producers.mic!, control.producers.mic!]);
    await waitFor(() => listener.packetsFrom(member.producers.mic!) > 5 && listener.packetsFrom(control.producers.mic!) > 5, 'audio before the mute', 10_000);
    const controlPackets = async (n: number) => {
      const start = listener.packetsFrom(control.producers.mic!);
      await waitFor(() => listener.packetsFrom(control.producers.mic!) >= start + n, `${n} more packets from the control`, 10_000);
    };
    const rights = await sfu.hub.mute({ meeting_id: 21, user_id: 2, muted: true });
    assert.deepEqual(rights, { user_id: 2, can_publish: true, mic_locked: true });
    assert.ok(sfu.received('producer:paused', 2).some((e) => e.by_moderator && e.producer_id === member.producers.mic));
    assert.ok(sfu.received('peer:rights', 3).some((e) => e.user_id === 2 && e.mic_locked));
    await assert.rejects(sfu.hub.resumeProducer(2, { meeting_id: 21, producer_id: member.producers.mic! }), withCode('forbidden'));
    // What was forwarded before the pause has arrived once later packets of the control have;
    // from then on the control keeps arriving and the muted microphone does not.
    await controlPackets(10);
    const before = listener.packetsFrom(member.producers.mic!);
    await controlPackets(25);
    assert.equal(listener.packetsFrom(member.producers.mic!), before, 'a muted microphone is not forwarded');

    control.close();
    await sfu.hub.leave(4, { meeting_id: 21 });
    member.close();
    await sfu.hub.leave(2, { meeting_id: 21 });
    const back = await RtpBot.join(sfu.hub, intentFor(21, 2), { idle: true });
    bots.push(back);
    assert.equal(back.joinReply.self.mic_locked, true, 'the lock outlives leaving');
    const announced = sfu.received('producer:new', 3).find((e) => e.producer.id === back.producers.mic);
    assert.equal(announced?.producer.paused, true, 'a locked microphone starts paused');
    await assert.rejects(sfu.hub.resumeProducer(2, { meeting_id: 21, producer_id: back.producers.mic! }), withCode('forbidden'));

    await sfu.hub.mute({ meeting_id: 21, user_id: 2, muted: false });
    await sfu.hub.resumeProducer(2, { meeting_id: 21, producer_id: back.producers.mic! });
    assert.ok(sfu.received('producer:resumed', 3).some((e) => e.producer_id === back.producers.mic));
  });

  it('stops a member video and withdraws or grants the right to publish', async () => {
    const member = await join(22, 2, { video: 'simple' });
    await join(22, 3, { audio: false });
    assert.deepEqual(await sfu.hub.stopVideo({ meeting_id: 22, user_id: 2 }), { closed: [member.producers.camera] });
    assert.ok(sfu.received('producer:closed', 2).some((e) => e.producer_id === member.producers.camera && e.reason === 'moderator'));

    const rights = await sfu.hub.setPublishRight({ meeting_id: 22, user_id: 2, allowed: false });
    assert.equal(rights.can_publish, false);
    assert.ok(sfu.received('producer:closed', 3).some((e) => e.producer_id === member.producers.mic && e.reason === 'publish_revoked'));
    assert.equal(sfu.hub.describe(22)!.peers.find((p) => p.user_id === 2)!.producers, 0);
    const produceMic = () =>
      sfu.hub.produce(2, { meeting_id: 22, transport_id: member.sendTransportId, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(777_001), paused: false });
    await assert.rejects(produceMic(), withCode('forbidden'));
    await sfu.hub.setPublishRight({ meeting_id: 22, user_id: 2, allowed: true });
    assert.equal((await produceMic()).paused, false);
  });

  it('removes a peer, and a member removed from the club loses their transports at once', async () => {
    const removed = await join(23, 2);
    const other = await join(23, 3);
    await other.consume([removed.producers.mic!]);
    await sfu.hub.removePeer({ meeting_id: 23, user_id: 2 });
    assert.ok(sfu.received('peer:left', 2).some((e) => e.user_id === 2 && e.reason === 'removed'), 'the removed peer is told');
    assert.ok(sfu.received('peer:left', 3).some((e) => e.user_id === 2 && e.reason === 'removed'));
    await assert.rejects(sfu.hub.restartIce(2, { meeting_id: 23, transport_id: removed.sendTransportId }), withCode('not_found'));

    await join(23, 4, { audio: false });
    const load = sfu.pool.load(sfu.pool.live()[0]!)!;
    const open = (id: string) => [...load.transports].some((t) => t.id === id && !t.closed);
    assert.ok(open(other.sendTransportId) && open(other.recvTransportId));
    sfu.hub.removeFromClub(1, 3);
    assert.ok(!open(other.sendTransportId) && !open(other.recvTransportId), 'both transports closed synchronously');
    assert.ok(sfu.received('peer:left', 3).some((e) => e.user_id === 3 && e.reason === 'removed_from_club'));
    assert.ok(sfu.received('peer:left', 4).some((e) => e.user_id === 3 && e.reason === 'removed_from_club'));
    assert.deepEqual(sfu.hub.describe(23)!.peers.map((p) => p.user_id), [4]);

    // The removal outlasts the media closing when everyone has left.
    await sfu.hub.leave(4, { meeting_id: 23 });
    assert.equal(sfu.hub.describe(23), null, 'the media closed');
    await assert.rejects(sfu.hub.join(intentFor(23, 2)), withCode('forbidden'));
  });

  it('ends a meeting for everyone and records it', async () => {
    await join(24, 2);
    await join(24, 3);
    await sfu.hub.endMeeting(24);
    assert.deepEqual(sfu.received('meeting:ended').filter((e) => e.meeting_id === 24).length, 1);
    assert.ok(sfu.deliveries.some((d) => d.event === 'meeting:ended' && d.to.includes(2) && d.to.includes(3)));
    assert.ok(recorder.ended.has(24));
    assert.deepEqual(recorder.openSessions(24), []);
    await assert.rejects(sfu.hub.join(intentFor(24, 2)), withCode('conflict'));
  });

  it('caps participants at the club size and at the per-meeting limit', async () => {
    await join(25, 2, {}, { clubCapacity: 2 });
    await join(25, 3, {}, { clubCapacity: 2 });
    await assert.rejects(sfu.hub.join(intentFor(25, 4, { clubCapacity: 2 })), (err: Error & { code?: string; details?: unknown }) => {
      return err.code === 'conflict' && (err.details as { reason: string }).reason === 'meeting_full';
    });
    await join(25, 4, { audio: false }, { clubCapacity: 50 });
    await assert.rejects(sfu.hub.join(intentFor(25, 5, { clubCapacity: 50 })), withCode('conflict'));
    assert.equal(sfu.hub.describe(25)!.peers.length, 3);
  });

  it('keeps a dropped peer for the grace period (ICE restart), then lets it go', async () => {
    const bot = await join(26, 2);
    await join(26, 3, { audio: false });
    const webrtc = await sfu.hub.createTransport(2, { meeting_id: 26, direction: 'recv' });
    assert.ok(webrtc.iceCandidates.some((c) => c.protocol === 'udp') && webrtc.iceCandidates.some((c) => c.protocol === 'tcp'));
    await sfu.hub.connectTransport(2, {
      meeting_id: 26,
      transport_id: webrtc.id,
      dtls_parameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: webrtc.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!.value }] },
    });

    const leftTo3 = () => sfu.received('peer:left', 3).filter((e) => e.meeting_id === 26);
    sfu.hub.disconnected(26, 2);
    clock.advance(GRACE_MS / 3);
    const again = await sfu.hub.join(intentFor(26, 2));
    assert.equal(again.resumed, true);
    assert.deepEqual(again.transports.map((t) => t.direction).sort(), ['recv', 'send'], 'the plain send transport and the new WebRTC recv one');
    assert.equal(again.producers[0]?.id, bot.producers.mic);
    const restarted = await sfu.hub.restartIce(2, { meeting_id: 26, transport_id: webrtc.id });
    assert.notEqual(restarted.iceParameters.usernameFragment, webrtc.iceParameters.usernameFragment);
    assert.notEqual(restarted.iceParameters.password, webrtc.iceParameters.password);
    clock.advance(GRACE_MS);
    assert.ok(sfu.hub.describe(26)!.peers.some((p) => p.user_id === 2 && p.connected), 'rejoining cancelled the timeout');
    assert.deepEqual(leftTo3(), [], 'nobody was told the peer left');

    sfu.hub.disconnected(26, 2);
    clock.advance(GRACE_MS - 1);
    assert.deepEqual(leftTo3(), [], 'kept until the grace period ends');
    clock.advance(1);
    assert.deepEqual(leftTo3().map((e) => [e.user_id, e.reason]), [[2, 'timeout']], 'the peer timed out');
    assert.equal(sfu.hub.describe(26)!.peers.length, 1);
  });
});
