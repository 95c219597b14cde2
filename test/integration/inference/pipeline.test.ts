// One producer's audio end to end below ASR: flite speech, Opus RTP as a network delivers it
// (reordered, duplicated, a packet lost, sequence numbers and timestamps wrapping), through
// depacketizing, decoding, resampling, VAD in the worker pool and the segmenter.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { StreamPipeline, type IdentifiedUtterance, type SpeechStats } from '../../../server/inference/audio/pipeline.js';
import { InferencePool } from '../../../server/inference/pool/pool.js';
import { PooledVad, type StreamVad } from '../../../server/inference/vad/pooled.js';
import { requireTools, speech } from '../../helpers/speech.js';
import { jumble, opusPackets, rtpStream } from './opus-speech.js';

const RATE = 16_000;

function voiced(samples: Float32Array, offset = 0): { start: number; end: number } {
  let start = -1;
  let end = -1;
  samples.forEach((s, i) => {
    if (Math.abs(s) > 0.02) {
      if (start < 0) start = i;
      end = i;
    }
  });
  return { start: offset + start / RATE, end: offset + end / RATE };
}

describe('audio pipeline for one producer', function () {
  this.timeout(120_000);
  let pool: InferencePool;
  let packets: Buffer[];
  let truths: { start: number; end: number }[];
  const identity = { meetingId: 41, userId: 7, producerId: randomBytes(16).toString('hex') };

  before(function () {
    requireTools(this, 'flite', 'sox', 'opusenc');
    const first = speech('I think the ending of the novel was rushed.', { padBefore: 1 });
    const second = speech('Shall we read the sequel next month, or something shorter?', { padAfter: 1.5 });
    const gap = 2.5 * RATE;
    const stream = new Float32Array(first.length + gap + second.length);
    stream.set(first);
    stream.set(second, first.length + gap);
    truths = [voiced(first), voiced(second, (first.length + gap) / RATE)];
    packets = rtpStream(opusPackets(stream));
    pool = new InferencePool({ size: 1 });
  });

  after(() => pool?.close());

  async function run(input: Buffer[], vad: StreamVad = new PooledVad(pool)) {
    const utterances: IdentifiedUtterance[] = [];
    let stats: SpeechStats | undefined;
    const pipeline = await StreamPipeline.create({ identity, vad, onUtterance: (u, s) => (utterances.push(u), (stats = s)) });
    for (const packet of input) pipeline.push(packet);
    await pipeline.close();
    return { utterances, stats, pipeline };
  }

  it('cuts one utterance per sentence, attributed to the producer, at the right times on the stream clock', async () => {
    const { utterances, stats, pipeline } = await run(jumble(packets, new Set([150])));
    assert.equal(utterances.length, 2, JSON.stringify(utterances.map((u) => [u.start, u.end])));
    utterances.forEach((u, i) => {
      assert.deepEqual({ meetingId: u.meetingId, userId: u.userId, producerId: u.producerId }, identity);
      // As in the VAD suite: within 0.35 s outside the voice (padding 0.2 s, onset, windows).
      assert.ok(u.start <= truths[i]!.start + 0.1 && u.start >= truths[i]!.start - 0.35, `utterance ${i} starts at ${u.start}, voice at ${truths[i]!.start}`);
      assert.ok(u.end >= truths[i]!.end - 0.1 && u.end <= truths[i]!.end + 0.35, `utterance ${i} ends at ${u.end}, voice until ${truths[i]!.end}`);
      assert.equal(u.samples.length, Math.round((u.end - u.start) * RATE));
    });
    assert.equal(pipeline.stats.lostPackets, 1);
    assert.ok(stats);
    assert.equal(stats.turns, 2);
    const voicedTotal = truths.reduce((n, t) => n + t.end - t.start, 0);
    assert.ok(Math.abs(stats.talkTime - voicedTotal) < 0.5, `talk time ${stats.talkTime} vs ${voicedTotal}`);
    assert.ok(Math.abs(stats.longestTurn - Math.max(...truths.map((t) => t.end - t.start))) < 0.3, `longest ${stats.longestTurn}`);
  });

  it('close() emits the utterance still being spoken when the stream ends', async () => {
    const midSecond = Math.round(((truths[1]!.start + truths[1]!.end) / 2) * 50); // 50 packets a second
    const { utterances } = await run(packets.slice(0, midSecond));
    assert.equal(utterances.length, 2, 'the first sentence, and the cut-off second');
    assert.ok(Math.abs(utterances[1]!.end - midSecond / 50) < 0.05, `ends at ${utterances[1]!.end}`);
  });

  it('skips the oldest audio as silence, said and counted, when VAD falls far behind, keeping the clock', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const real = new PooledVad(pool);
    const slow: StreamVad = { probabilities: async (w) => (await held, real.probabilities(w)) };
    const errors: Error[] = [];
    const utterances: IdentifiedUtterance[] = [];
    const pipeline = await StreamPipeline.create({ identity, vad: slow, maxBacklog: 3, onUtterance: (u) => utterances.push(u), onError: (e) => errors.push(e) });
    for (const packet of packets) pipeline.push(packet);
    assert.ok(pipeline.stats.skipped > 3, `skipped ${pipeline.stats.skipped} s`);
    assert.match(errors[0]?.message ?? '', /fell behind/);
    release();
    await pipeline.close();
    // The second sentence is within the last 3 s + the first request: it is still found, at its time.
    const last = utterances.at(-1);
    assert.ok(last && Math.abs(last.end - truths[1]!.end) < 0.4, `last utterance ${last?.start}..${last?.end}`);
  });
});
