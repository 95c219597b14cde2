// Each change of the layers a consumer forwards is logged with what explains it: the consumer's
// type, the layers it prefers (the start layer unless the client chose) and the time since the
// client resumed it. Simulcast from a bot over a real socket, a server logging at debug.
import assert from 'node:assert/strict';
import { joinOverSocket, MeetingSuite } from '../../helpers/meeting-sockets.js';
import { JoinedBots } from '../../helpers/rtp-bots.js';
import { waitFor } from '../../helpers/wait.js';
import type { LayerTrace } from '../../../sfu/layer-trace.js';
import { DEFAULT_MEDIA_SETTINGS } from '../../../sfu/settings.js';

describe('meetings: consumer layers traced', function () {
  this.timeout(60_000);
  const bots = new JoinedBots(() => suite.server.app.meetings!);
  afterEach(() => bots.closeAll());
  const suite = MeetingSuite.start({ LOG_LEVEL: 'debug' });

  const traces = (): LayerTrace[] =>
    suite.server.logs.map((l) => JSON.parse(l) as { msg?: string; layers?: LayerTrace }).flatMap((l) => (l.msg === 'consumer layers changed' && l.layers ? [l.layers] : []));

  it('logs the layers a simulcast consumer forwards with its preferred layers and the time since its resume', async () => {
    const meetingId = await suite.newMeeting();
    const hub = suite.server.app.meetings!;
    const sender = bots.track(await joinOverSocket(await suite.sockets.connect(suite.cast.member), hub, meetingId, suite.cast.member.id, { audio: false, video: 'simulcast' }));
    const receiver = bots.track(await joinOverSocket(await suite.sockets.connect(suite.cast.owner), hub, meetingId, suite.cast.owner.id, { audio: false }));
    const [consumer] = await receiver.consumeBots([sender]);
    await waitFor(() => receiver.packetsFrom(sender.producers.camera!) > 5, 'simulcast video', 10_000);

    const trace = await waitFor(() => traces().find((t) => t.consumer_id === consumer!.id && t.spatial_layer !== null), 'a layers trace');
    assert.equal(trace.meeting_id, meetingId);
    assert.equal(trace.user_id, suite.cast.owner.id);
    assert.equal(trace.producer_id, sender.producers.camera);
    assert.equal(trace.type, 'simulcast');
    // Nobody chose layers yet: the consumer starts at the settings' start layer, not at the top one.
    assert.equal(trace.preferred_spatial_layer, DEFAULT_MEDIA_SETTINGS.startSpatialLayer);
    assert.equal(trace.spatial_layer, DEFAULT_MEDIA_SETTINGS.startSpatialLayer);
    assert.equal(typeof trace.ms_since_resume, 'number');
    assert.ok(trace.ms_since_resume! >= 0);
  });
});
