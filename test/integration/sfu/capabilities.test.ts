// A client tells its RTP capabilities once (with its recv transport, or at a rejoin with
// meeting:join) and consumes without repeating them; capabilities given with a consume are
// still checked; a consume before any are known is refused with a clear message. A receive
// transport made once capabilities are known comes with a paused consumer of every producer
// the others have then.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { opusProducerParameters, vp8ProducerParameters } from '../../helpers/rtp-packets.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { fails, ok, OpenSockets } from '../../helpers/sockets.js';

describe('meetings: RTP capabilities told once', function () {
  this.timeout(60_000);
  let server: TestServer;
  let cast: ClubCast;
  const sockets = new OpenSockets(() => server.url);

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1' } });
  });
  beforeEach(async () => {
    cast = await clubWithCast(server.http);
  });
  afterEach(() => sockets.closeAll());
  after(async () => {
    await server?.close();
  });

  /** The member publishes a microphone in a new meeting; the owner has joined (and got the router's capabilities). */
  const publishing = async () => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 12' }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const meetingId = res.body.id as number;
    const owner = await sockets.connect(cast.owner);
    const member = await sockets.connect(cast.member);
    const joined = await ok(owner, 'meeting:join', { meeting_id: meetingId });
    await ok(member, 'meeting:join', { meeting_id: meetingId });
    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(5000 + meetingId) });
    return { meetingId, owner, member, send, mic, capabilities: joined.rtp_capabilities };
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
    assert.deepEqual(recv.consumers?.map((c) => [c.producerId, c.kind, c.user_id, c.source]), [[mic.id, 'audio', cast.member.id, 'mic']]);
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
    const guest = await sockets.connect(cast.guest);
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
