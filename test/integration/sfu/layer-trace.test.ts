// Each change of the layers a consumer forwards is logged with what explains it: the consumer's
// type, the layers it prefers (the start layer unless the client chose) and the time since the
// client resumed it. Simulcast from a bot over a real socket, a server logging at debug.
import assert from 'node:assert/strict';
import { clubWithCast } from '../../helpers/clubs.js';
import { joinOverSocket } from '../../helpers/meeting-sockets.js';
import type { RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { OpenSockets } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';
import type { LayerTrace } from '../../../sfu/layer-trace.js';
import { DEFAULT_MEDIA_SETTINGS } from '../../../sfu/settings.js';

describe('meetings: consumer layers traced', function () {
  this.timeout(60_000);
  let server: TestServer;
  const sockets = new OpenSockets(() => server.url);
  const bots: RtpBot[] = [];

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'debug' } });
  });
  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
    sockets.closeAll();
  });
  after(async () => {
    await server?.close();
  });

  const traces = (): LayerTrace[] =>
    server.logs.map((l) => JSON.parse(l) as { msg?: string; layers?: LayerTrace }).flatMap((l) => (l.msg === 'consumer layers changed' && l.layers ? [l.layers] : []));

  it('logs the layers a simulcast consumer forwards with its preferred layers and the time since its resume', async () => {
    const cast = await clubWithCast(server.http);
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 16' }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const meetingId = res.body.id as number;
    const hub = server.app.meetings!;
    const sender = await joinOverSocket(await sockets.connect(cast.member), hub, meetingId, cast.member.id, { audio: false, video: 'simulcast' });
    const receiver = await joinOverSocket(await sockets.connect(cast.owner), hub, meetingId, cast.owner.id, { audio: false });
    bots.push(sender, receiver);
    const [consumer] = await receiver.consumeBots([sender]);
    await waitFor(() => receiver.packetsFrom(sender.producers.camera!) > 5, 'simulcast video', 10_000);

    const trace = await waitFor(() => traces().find((t) => t.consumer_id === consumer!.id && t.spatial_layer !== null), 'a layers trace');
    assert.equal(trace.meeting_id, meetingId);
    assert.equal(trace.user_id, cast.owner.id);
    assert.equal(trace.producer_id, sender.producers.camera);
    assert.equal(trace.type, 'simulcast');
    // Nobody chose layers yet: the consumer starts at the settings' start layer, not at the top one.
    assert.equal(trace.preferred_spatial_layer, DEFAULT_MEDIA_SETTINGS.startSpatialLayer);
    assert.equal(trace.spatial_layer, DEFAULT_MEDIA_SETTINGS.startSpatialLayer);
    assert.equal(typeof trace.ms_since_resume, 'number');
    assert.ok(trace.ms_since_resume! >= 0);
  });
});
