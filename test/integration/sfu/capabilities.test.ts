// A client tells its RTP capabilities once (with its recv transport, or at a rejoin with
// meeting:join) and consumes without repeating them; capabilities given with a consume are
// still checked; a consume before any are known is refused with a clear message.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
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
    return { meetingId, owner, member, mic, capabilities: joined.rtp_capabilities };
  };

  it('refuses a consume before any capabilities are known, and consumes without them once the recv transport carried them', async () => {
    const { meetingId, owner, member, mic, capabilities } = await publishing();
    const bare = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    const unknown = await fails(owner, 'consume', { meeting_id: meetingId, transport_id: bare.id, producer_id: mic.id });
    assert.equal(unknown.code, 'bad_request');
    assert.match(unknown.message, /RTP capabilities are not known yet/);

    // Capabilities belong to receiving: a send transport does not take them.
    const onSend = await fails(member, 'transport:create', { meeting_id: meetingId, direction: 'send', rtp_capabilities: capabilities });
    assert.equal(onSend.code, 'validation_failed');

    const recv = await ok(owner, 'transport:create', { meeting_id: meetingId, direction: 'recv', rtp_capabilities: capabilities });
    const consumer = await ok(owner, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id });
    assert.equal(consumer.producerId, mic.id);
    assert.equal(consumer.kind, 'audio');
  });

  it('keeps capabilities given with meeting:join, and still checks those a consume carries', async () => {
    const { meetingId, mic, capabilities } = await publishing();
    const guest = await sockets.connect(cast.guest);
    await ok(guest, 'meeting:join', { meeting_id: meetingId, rtp_capabilities: capabilities });
    const recv = await ok(guest, 'transport:create', { meeting_id: meetingId, direction: 'recv' });
    // Capabilities given with the consume are the ones checked, as before (no audio codec here).
    const videoOnly = { codecs: [{ kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96 }] };
    const refused = await fails(guest, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id, rtp_capabilities: videoOnly });
    assert.equal(refused.code, 'unsupported_media');
    // Those told at join serve every consume that gives none.
    const consumer = await ok(guest, 'consume', { meeting_id: meetingId, transport_id: recv.id, producer_id: mic.id });
    assert.equal(consumer.producerId, mic.id);
  });
});
