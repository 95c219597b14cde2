// Bots send real RTP (Opus, VP8) into a meeting and count what their consumers receive.
import assert from 'node:assert/strict';
import { MemoryRecorder } from '../../../sfu/recorder.js';
import { JoinedBots } from '../../helpers/rtp-bots.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

describe('sfu: media flow', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  let recorder: MemoryRecorder;
  const bots = new JoinedBots(() => sfu.hub);
  const join = bots.join.bind(bots);

  before(async () => {
    recorder = new MemoryRecorder();
    sfu = await startSfu({ recorder, settings: { levelIntervalMs: 200 } });
  });
  afterEach(() => bots.closeAll());
  after(async () => {
    await sfu.close();
  });

  it('forwards Opus and VP8 between bots, announces peers and producers', async () => {
    const a = await join(11, 1, { video: 'simple' });
    const b = await join(11, 2, { video: 'simple' });
    assert.deepEqual(b.joinReply.peers.map((p) => p.user_id), [1]);
    assert.equal(b.joinReply.peers[0]!.producers.length, 2);
    assert.ok(sfu.received('peer:joined', 1).some((e) => e.peer.user_id === 2));
    assert.equal(sfu.received('producer:new', 1).filter((e) => e.producer.user_id === 2).length, 2);
    await a.consumeBots([b]);
    await b.consumeBots([a]);
    await waitFor(() => a.packetsFrom(b.producers.mic!) > 20 && a.packetsFrom(b.producers.camera!) > 10, 'a to receive b', 10_000);
    await waitFor(() => b.packetsFrom(a.producers.mic!) > 20 && b.packetsFrom(a.producers.camera!) > 10, 'b to receive a', 10_000);
    await sfu.hub.leave(2, { meeting_id: 11 });
    assert.ok(sfu.received('peer:left', 1).some((e) => e.user_id === 2 && e.reason === 'left'));
    await waitFor(() => sfu.received('consumer:closed', 1).length === 2, 'a to be told its consumers of b closed', 10_000);
    assert.deepEqual(recorder.openSessions(11), [1]);
  });

  it('keeps one producer per source, refuses consuming oneself and a duplicate consumer', async () => {
    const a = await join(12, 1);
    const b = await join(12, 2, { audio: false });
    assert.equal(sfu.hub.describe(12)!.peers.find((p) => p.user_id === 1)!.producers, 1);
    await assert.rejects(
      sfu.hub.produce(1, { meeting_id: 12, transport_id: a.sendTransportId, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(4242), paused: false }),
      (err: Error & { code?: string }) => err.code === 'conflict',
    );
    await assert.rejects(a.consume([a.producers.mic!]), (err: Error & { code?: string }) => err.code === 'bad_request');
    await b.consume([a.producers.mic!]);
    await assert.rejects(b.consume([a.producers.mic!]), (err: Error & { code?: string }) => err.code === 'conflict');
  });

  it('announces pauses and closes; a closed producer closes its consumers', async () => {
    const a = await join(13, 1);
    const b = await join(13, 2, { audio: false });
    const [consumer] = await b.consume([a.producers.mic!]);
    await sfu.hub.pauseProducer(1, { meeting_id: 13, producer_id: a.producers.mic! });
    assert.ok(sfu.received('producer:paused', 2).some((e) => e.producer_id === a.producers.mic && !e.by_moderator));
    await sfu.hub.resumeProducer(1, { meeting_id: 13, producer_id: a.producers.mic! });
    assert.ok(sfu.received('producer:resumed', 2).some((e) => e.producer_id === a.producers.mic));
    await sfu.hub.closeProducer(1, { meeting_id: 13, producer_id: a.producers.mic! });
    await waitFor(() => sfu.received('consumer:closed', 2).some((e) => e.consumer_id === consumer!.id), 'consumer:closed', 10_000);
    assert.ok(sfu.received('producer:closed', 2).some((e) => e.producer_id === a.producers.mic && e.reason === 'closed'));
    assert.equal(sfu.received('producer:closed', 1).filter((e) => e.producer_id === a.producers.mic).length, 0, 'the owner closed it itself');
  });

  it('lets a consumer pick simulcast layers and reports the layers it gets', async () => {
    const a = await join(14, 1, { audio: false, video: 'simulcast', keyFrameEvery: 10, videoPayloadBytes: 300 });
    const b = await join(14, 2, { audio: false });
    const [consumer] = await b.consume([a.producers.camera!]);
    assert.equal(consumer!.type, 'simulcast');
    await waitFor(() => b.packetsFrom(a.producers.camera!) > 10, 'simulcast video to arrive', 10_000);
    const layersOf = () => sfu.received('consumer:layers', 2).filter((e) => e.consumer_id === consumer!.id);
    await waitFor(() => layersOf().some((e) => e.spatial_layer === 1), 'the start layer to be forwarded', 10_000);
    await sfu.hub.setConsumerLayers(2, { meeting_id: 14, consumer_id: consumer!.id, spatial_layer: 0, temporal_layer: 0, priority: 10 });
    await waitFor(() => layersOf().at(-1)?.spatial_layer === 0, 'the lowest layer after the preference changed', 10_000);
    await assert.rejects(
      sfu.hub.setConsumerLayers(2, { meeting_id: 14, consumer_id: 'nope', spatial_layer: 0 }),
      (err: Error & { code?: string }) => err.code === 'not_found',
    );
  });

  it('names the active speaker, reports audio levels and records talk time', async () => {
    const talker = await join(15, 1, { levelDbov: 15 });
    await waitFor(() => sfu.received('active-speaker', 1).some((e) => e.user_id === 1 && e.producer_id === talker.producers.mic), 'active-speaker', 10_000);
    const quiet = await join(15, 2, { levelDbov: 127 });
    assert.equal(quiet.joinReply.active_speaker, 1, 'a peer joining learns who speaks');
    await waitFor(() => sfu.received('audio-levels', 2).some((e) => e.levels.some((l) => l.user_id === 1)), 'audio levels', 10_000);
    assert.ok(sfu.received('audio-levels').every((e) => e.levels.every((l) => l.user_id !== 2)), 'silence is not talking');
    await new Promise((resolve) => setTimeout(resolve, 600));
    await sfu.hub.leave(1, { meeting_id: 15 });
    await sfu.hub.leave(2, { meeting_id: 15 });
    await waitFor(() => recorder.talkTime(15, 1) >= 400, 'talk time to be recorded', 10_000);
    assert.equal(recorder.talkTime(15, 2), 0);
    assert.equal(quiet.tally().received, 0);
    assert.equal(sfu.hub.describe(15), null, 'an empty meeting releases its routers');
  });
});
