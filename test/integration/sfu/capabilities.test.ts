// A client tells its RTP capabilities once (with its recv transport, or at a rejoin with
// meeting:join) and consumes without repeating them; capabilities given with a consume are
// still checked; a consume before any are known is refused with a clear message. A receive
// transport made once capabilities are known comes with a paused consumer of every producer
// the others have then.
import assert from 'node:assert/strict';
import { MeetingSuite } from '../../helpers/meeting-sockets.js';
import { opusProducerParameters, vp8ProducerParameters } from '../../helpers/rtp-packets.js';
import { fails, ok } from '../../helpers/sockets.js';

describe('meetings: RTP capabilities told once', function () {
  this.timeout(60_000);
  const suite = MeetingSuite.start();

  /** The member publishes a microphone in a new meeting; the owner has joined (and got the router's capabilities). */
  const publishing = async () => {
    const { meetingId, owner, member, replies } = await suite.joined('owner', 'member');
    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(5000 + meetingId) });
    return { meetingId, owner, member, send, mic, capabilities: replies.owner.rtp_capabilities };
  };
  /** The member's camera, on the send transport that carries the microphone. */
  const publishCamera = ({ member, meetingId, send }: Awaited<ReturnType<typeof publishing>>) =>
    ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'video', source: 'camera', rtp_parameters: vp8ProducerParameters([7000 + meetingId]) });

  it('refuses a consume before any capabilities are known, and consumes without them once the recv transport carried them', async () => {
    const published = await publishing();
    const { meetingId, owner, member, mic, capabilities } = published;
    const bare = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    const unknown = await fails(owner, 'consume', { meeting_id: meetingId, transport_id: bare.id, producer_id: mic.id });
    assert.equal(unknown.code, 'bad_request');
    assert.match(unknown.message, /RTP capabilities are not known yet/);

    // Capabilities belong to receiving: a send transport does not take them.
    const onSend = await fails(member, 'transport:create', { meeting_id: meetingId, direction: 'send', rtp_capabilities: capabilities });
    assert.equal(onSend.code, 'validation_failed');

    const recv = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv', rtp_capabilities: capabilities });
    // The reply brings a consumer of what the member publishes already: consuming it again is a conflict.
    assert.deepEqual(recv.consumers?.map((c) => [c.producerId, c.kind, c.user_id, c.source]), [[mic.id, 'audio', suite.cast.member.id, 'mic']]);
    assert.equal((await fails(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id })).code, 'conflict');
    await ok(owner, 'consumer:resume', { meeting_id: meetingId, consumer_id: recv.consumers[0]!.id });
    // What is published later is consumed without repeating the capabilities.
    const camera = await publishCamera(published);
    const consumer = await ok(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: camera.id });
    assert.equal(consumer.producerId, camera.id);
    assert.equal(consumer.kind, 'video');
  });

  it('keeps capabilities given with meeting:join, and still checks those a consume carries', async () => {
    const published = await publishing();
    const { meetingId, mic, capabilities } = published;
    const guest = await suite.sockets.connect(suite.cast.guest);
    await ok(guest, 'meeting:join', { meeting_id: meetingId, rtp_capabilities: capabilities });
    const recv = await ok(guest, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    // Those told at join serve the transport's own consumers.
    assert.deepEqual(recv.consumers?.map((c) => c.producerId), [mic.id]);
    // Capabilities given with a consume are the ones checked, as before (no video codec here).
    const camera = await publishCamera(published);
    const audioOnly = { codecs: [{ kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 }] };
    const refused = await fails(guest, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: camera.id, rtp_capabilities: audioOnly });
    assert.equal(refused.code, 'unsupported_media');
    // Those told at join serve every consume that gives none.
    const consumer = await ok(guest, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: camera.id });
    assert.equal(consumer.producerId, camera.id);
  });
});
