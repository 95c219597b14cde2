// Audio taps: every audio producer's RTP reaches this process as typed packets, except for
// members who opted out of transcription; taps open and close with their producers and leave
// no UDP socket or mediasoup transport behind.
import assert from 'node:assert/strict';
import type { TapInfo, TapPacket } from '../../../sfu/audio-taps.js';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { readRtp } from '../../helpers/rtp-packets.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

const udpHandles = () => process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap').length;

describe('sfu: audio taps', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  const bots: RtpBot[] = [];

  before(async () => {
    sfu = await startSfu();
  });
  after(async () => {
    for (const bot of bots) bot.close();
    await sfu.close();
  });

  it('taps each audio producer except opted-out members, and closes cleanly', async () => {
    const baselineUdp = udpHandles();
    const started: TapInfo[] = [];
    const stopped: TapInfo[] = [];
    const packets: TapPacket[] = [];
    const unsubscribe = sfu.taps.subscribe({ started: (t) => started.push(t), stopped: (t) => stopped.push(t), packet: (p) => packets.push(p) });

    const speaker = await RtpBot.join(sfu.hub, intentFor(51, 1));
    const private_ = await RtpBot.join(sfu.hub, intentFor(51, 2, { transcriptionOptOut: true }));
    const viewer = await RtpBot.join(sfu.hub, intentFor(51, 3), { audio: false, video: 'simple' });
    bots.push(speaker, private_, viewer);
    await waitFor(() => packets.filter((p) => p.userId === 1).length > 10, 'tapped packets of the speaker', 10_000);
    assert.deepEqual(started.map((t) => [t.userId, t.producerId, t.meetingId]), [[1, speaker.producers.mic, 51]]);
    assert.equal(started[0]!.codec.mimeType.toLowerCase(), 'audio/opus');
    assert.equal(started[0]!.codec.clockRate, 48000);
    const first = packets[0]!;
    assert.equal(readRtp(first.packet)?.payloadType, started[0]!.codec.payloadType);
    assert.notEqual(readRtp(first.packet)?.payloadType, undefined);
    assert.ok(packets.every((p) => p.userId === 1 && p.producerId === speaker.producers.mic), 'the opted-out member is never tapped');

    // Opting in opens a tap for the live microphone; opting out again closes it.
    sfu.hub.setTranscriptionOptOut(2, false);
    await waitFor(() => packets.some((p) => p.userId === 2), 'a tap after opting in', 10_000);
    sfu.hub.setTranscriptionOptOut(2, true);
    assert.ok(stopped.some((t) => t.userId === 2));
    assert.deepEqual(sfu.taps.open, [speaker.producers.mic]);

    // The async stream view reads the same packets.
    const abort = new AbortController();
    const streamed: TapPacket[] = [];
    for await (const packet of sfu.taps.packets(abort.signal)) {
      streamed.push(packet);
      if (streamed.length === 5) abort.abort();
    }
    assert.ok(streamed.every((p) => p.userId === 1));

    // A closed producer closes its tap.
    await sfu.hub.closeProducer(1, { meeting_id: 51, producer_id: speaker.producers.mic! });
    await waitFor(() => stopped.some((t) => t.producerId === speaker.producers.mic), 'the tap to stop with its producer', 10_000);
    assert.deepEqual(sfu.taps.open, []);

    for (const bot of bots) {
      bot.close();
      await sfu.hub.leave(bot.userId, { meeting_id: 51 });
    }
    unsubscribe();
    await waitFor(() => udpHandles() === baselineUdp, 'every UDP socket to close', 10_000);
    const load = sfu.pool.load(sfu.pool.live()[0]!)!;
    await waitFor(() => load.transports.size === 0 && load.consumers === 0 && load.routers === 0, 'every mediasoup object to close', 10_000);
  });

  it('opens no tap while nothing listens, and taps a new microphone once something does', async () => {
    const unheard = await RtpBot.join(sfu.hub, intentFor(52, 11));
    bots.push(unheard);
    const unsubscribe = sfu.taps.subscribe({ packet: () => {} });
    const heard = await RtpBot.join(sfu.hub, intentFor(52, 12));
    bots.push(heard);
    // The positive control: a microphone produced later is tapped; by then the first would have been too.
    await waitFor(() => sfu.taps.has(heard.producers.mic as string), 'a tap once something listens', 10_000);
    assert.equal(sfu.taps.has(unheard.producers.mic as string), false, 'produced while nobody listened: never tapped');
    unsubscribe();
  });
});
