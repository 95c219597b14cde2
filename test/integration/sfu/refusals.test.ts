// Client input that passes the protocol's schemas but that mediasoup refuses: the client gets a
// stable code with fixed words for the operation, never mediasoup's own text; the server log
// gets the detail. Real sockets against a real server with one mediasoup worker.
import assert from 'node:assert/strict';
import type { TestAccount } from '../../helpers/accounts.js';
import { FAKE_DTLS, MeetingSuite } from '../../helpers/meeting-sockets.js';
import { opusProducerParameters, vp8ProducerParameters } from '../../helpers/rtp-packets.js';
import { fails, ok } from '../../helpers/sockets.js';

interface RefusalLine {
  msg?: string;
  operation?: string;
  userId?: number;
  refused?: { name: string; message: string };
}

describe('media requests mediasoup refuses', function () {
  this.timeout(60_000);
  const suite = MeetingSuite.start({ LOG_LEVEL: 'info' });

  /** The owner and a member in a new meeting; the member has a send transport. */
  const seated = async () => {
    const { meetingId, owner, member, replies } = await suite.joined('owner', 'member');
    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    return { meetingId, owner, member, send, capabilities: replies.owner.rtp_capabilities };
  };

  /** The server's log line for a refusal of `operation` to `account`, with mediasoup's own words. */
  const loggedRefusal = (account: TestAccount, operation: string): RefusalLine['refused'] => {
    const lines = suite.server.logs.map((l) => JSON.parse(l) as RefusalLine);
    const line = lines.find((l) => l.msg === 'media request refused' && l.operation === operation && l.userId === account.id);
    assert.ok(line?.refused, `a log line for the refused ${operation}`);
    return line.refused;
  };

  it('answers RTP parameters mediasoup cannot read with bad_request and fixed words, and logs its detail', async () => {
    const { meetingId, member, send } = await seated();
    // An RTX codec whose apt names itself: mediasoup fails reading `preferredPayloadType` of undefined.
    const selfRtx = {
      codecs: [
        { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 },
        { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 97 } },
      ],
      encodings: [{ ssrc: 5151, rtx: { ssrc: 5152 } }],
    };
    const unreadable = await fails(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'video', source: 'camera', rtp_parameters: selfRtx });
    assert.deepEqual(unreadable, { code: 'bad_request', message: 'invalid RTP parameters' });
    assert.match(loggedRefusal(suite.cast.member, 'produce')?.message ?? '', /preferredPayloadType/);

    const badMime = { codecs: [{ mimeType: 'opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 6161 }] };
    const malformed = await fails(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: badMime });
    assert.deepEqual(malformed, { code: 'bad_request', message: 'invalid RTP parameters' });

    // The refused attempts left nothing behind: the microphone can still be published.
    await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(7171) });
  });

  it('answers an SSRC or MID the peer already sends with bad_request and fixed words, before the worker is asked', async () => {
    const { meetingId, member, send } = await seated();
    await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: { ...opusProducerParameters(8181), mid: '0' } });
    const camera = (ssrcs: number[], mid: string) => ({ meeting_id: meetingId, transport_id: send.id, kind: 'video' as const, source: 'camera' as const, rtp_parameters: { ...vp8ProducerParameters(ssrcs), mid } });
    assert.deepEqual(await fails(member, 'produce', camera([8282, 8181], '1')), { code: 'bad_request', message: 'duplicate SSRC' });
    assert.deepEqual(await fails(member, 'produce', camera([8383, 8383], '1')), { code: 'bad_request', message: 'duplicate SSRC' });
    const withRtx = { ...vp8ProducerParameters([8484]), mid: '1', encodings: [{ ssrc: 8484, scalabilityMode: 'L1T1', rtx: { ssrc: 8181 } }] };
    assert.deepEqual(await fails(member, 'produce', { ...camera([8484], '1'), rtp_parameters: withRtx }), { code: 'bad_request', message: 'duplicate SSRC' });
    assert.deepEqual(await fails(member, 'produce', camera([8585], '0')), { code: 'bad_request', message: 'duplicate MID' });
    // The refusals left nothing behind: the camera with its own SSRC and MID is published.
    await ok(member, 'produce', camera([8585], '1'));
  });

  it('answers codecs the meeting does not offer, in produce and in consume, with unsupported_media', async () => {
    const { meetingId, owner, member, send } = await seated();
    const foreign = { codecs: [{ mimeType: 'audio/x-private', payloadType: 100, clockRate: 48000 }], encodings: [{ ssrc: 8181 }] };
    const unsupported = await fails(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: foreign });
    assert.deepEqual(unsupported, { code: 'unsupported_media', message: 'unsupported RTP parameters: a codec or header extension this meeting does not offer' });
    assert.match(loggedRefusal(suite.cast.member, 'produce')?.message ?? '', /audio\/x-private/);

    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(9191) });
    const recv = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    const videoOnly = { codecs: [{ kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96 }] };
    const noCommonCodec = await fails(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id, rtp_capabilities: videoOnly });
    assert.deepEqual(noCommonCodec, { code: 'unsupported_media', message: 'your device cannot receive this producer (no codec in common)' });
  });

  it('answers DTLS parameters mediasoup refuses with bad_request, and a second connect with conflict', async () => {
    const { meetingId, member, send } = await seated();
    const unknownAlgorithm = { role: 'client' as const, fingerprints: [{ algorithm: 'sha-999', value: 'AB:CD' }] };
    const refused = await fails(member, 'transport:connect', { meeting_id: meetingId, transport_id: send.id, dtls_parameters: unknownAlgorithm });
    assert.deepEqual(refused, { code: 'bad_request', message: 'invalid DTLS parameters' });
    assert.ok(loggedRefusal(suite.cast.member, 'transport:connect')?.message.includes('transport.connect'), 'the log names the worker request');

    // The refusal did not use up the transport's one connect; that one done, another is the client's mistake.
    await ok(member, 'transport:connect', { meeting_id: meetingId, transport_id: send.id, dtls_parameters: FAKE_DTLS });
    const again = await fails(member, 'transport:connect', { meeting_id: meetingId, transport_id: send.id, dtls_parameters: FAKE_DTLS });
    assert.deepEqual(again, { code: 'conflict', message: 'This transport is connected already' });
  });

  it('lets a socket act on no transport, producer or consumer of another peer', async () => {
    const { meetingId, owner, member, send, capabilities } = await seated();
    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(3131) });
    const recv = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    const consumer = await ok(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id, rtp_capabilities: capabilities });
    const foreign: Array<Promise<{ code: string }>> = [
      fails(owner, 'transport:connect', { meeting_id: meetingId, transport_id: send.id, dtls_parameters: FAKE_DTLS }),
      fails(owner, 'transport:restart-ice', { meeting_id: meetingId, transport_id: send.id }),
      fails(owner, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'video', source: 'camera', rtp_parameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 4141 }] } }),
      fails(owner, 'producer:pause', { meeting_id: meetingId, producer_id: mic.id }),
      fails(owner, 'producer:close', { meeting_id: meetingId, producer_id: mic.id }),
      fails(member, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id, rtp_capabilities: capabilities }),
      fails(member, 'consumer:pause', { meeting_id: meetingId, consumer_id: consumer.id }),
      fails(member, 'consumer:set-layers', { meeting_id: meetingId, consumer_id: consumer.id, priority: 7 }),
    ];
    for (const refusal of await Promise.all(foreign)) assert.equal(refusal.code, 'not_found');
    // Positive control: the owners of those ids can still use them.
    await ok(member, 'producer:pause', { meeting_id: meetingId, producer_id: mic.id });
    await ok(owner, 'consumer:resume', { meeting_id: meetingId, consumer_id: consumer.id });
  });
});
