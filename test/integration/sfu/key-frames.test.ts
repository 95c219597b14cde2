// A simulcast consumer that lost its layers (its sender went quiet, as in a media cut) waits for
// a key frame to forward anything again. mediasoup asks the sender once or twice; if those
// requests are lost on the sender's broken path, the SFU must keep asking, or the video never
// comes back. Bots send real VP8 simulcast over UDP; the sender counts the key frame requests that
// reach it and, while it plays a sender whose path is down, leaves them unanswered.
import assert from 'node:assert/strict';
import { JoinedBots } from '../../helpers/rtp-bots.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

describe('sfu: key frames for a consumer that forwards nothing', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  const bots = new JoinedBots(() => sfu.hub);
  const join = bots.join.bind(bots);

  before(async () => {
    sfu = await startSfu({ settings: { keyFrameRetryMs: 250 } });
  });
  afterEach(() => bots.closeAll());
  after(async () => {
    await sfu.close();
  });

  it('keeps asking a sender back from silence for a key frame until one arrives, and video flows again', async () => {
    // Key frames only at the start and on request.
    const sender = await join(31, 1, { audio: false, video: 'simulcast', keyFrameEvery: 1_000_000, videoPayloadBytes: 300 });
    const receiver = await join(31, 2, { audio: false });
    const [consumer] = await receiver.consume([sender.producers.camera!]);
    const layers = () => sfu.received('consumer:layers', 2).filter((e) => e.consumer_id === consumer!.id);
    const camera = sender.producers.camera!;
    await waitFor(() => receiver.packetsFrom(camera) > 10 && layers().some((e) => e.spatial_layer !== null), 'video to flow', 10_000);

    // The sender goes quiet: its streams go inactive and the consumer forwards no layer.
    sender.stop();
    await waitFor(() => layers().at(-1)?.spatial_layer === null, 'the consumer to lose its layers', 15_000);

    // It comes back with inter frames only, and the first ten requests for a key frame are lost on
    // its way. mediasoup alone asks about five times here (once per target layer it tries, and one
    // retry a second later), then waits for a receiver that never asks: only the SFU's own
    // requests can reach the eleventh.
    const lost = 10;
    sender.loseKeyFrameRequests = lost;
    const asked = sender.keyFrameRequests;
    receiver.resetCounts();
    sender.start();
    await waitFor(() => receiver.packetsFrom(camera) > 10, 'video to flow again', 30_000);
    assert.ok(sender.keyFrameRequests - asked > lost, `${sender.keyFrameRequests - asked} requests`);
    assert.notEqual(layers().at(-1)?.spatial_layer, null);

    // While video flows the SFU asks for nothing more: two seconds of frames bring at most a request already on its way.
    const afterRecovery = sender.keyFrameRequests;
    receiver.resetCounts();
    await waitFor(() => receiver.packetsFrom(camera) > 60, 'two more seconds of video', 10_000);
    assert.ok(sender.keyFrameRequests - afterRecovery <= 1, `${sender.keyFrameRequests - afterRecovery} requests while video flowed`);
  });
});
