// Opus decoding of real speech (opusenc), with the stream's time kept through losses and pauses.
import assert from 'node:assert/strict';
import type { OrderedPayload } from '../../../server/inference/audio/jitter.js';
import { OpusStream } from '../../../server/inference/audio/opus-stream.js';
import { requireTools, speech } from '../../helpers/speech.js';
import { opusPackets } from './opus-speech.js';

const ordered = (payloads: Buffer[], skip = new Set<number>(), start = 1_000_000): OrderedPayload[] =>
  payloads.flatMap((payload, i) => (skip.has(i) ? [] : [{ sequence: i, timestamp: start + i * 960, payload, lost: 0 }]));

function decodeAll(stream: OpusStream, items: OrderedPayload[]): Float32Array {
  const parts = items.map((item) => stream.decode(item));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const rms = (x: Float32Array, from = 0, to = x.length) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
};

describe('Opus stream decoding', function () {
  this.timeout(60_000);
  let voice: Float32Array;
  let packets: Buffer[];

  before(function () {
    requireTools(this, 'flite', 'sox', 'opusenc');
    voice = speech('Our book club meets every second Tuesday of the month.', { padBefore: 0.5, padAfter: 0.5 });
    packets = opusPackets(voice);
  });

  it('decodes speech to 48 kHz mono of the stream\'s length and loudness', async () => {
    const stream = await OpusStream.create();
    const audio = decodeAll(stream, ordered(packets));
    stream.free();
    assert.equal(audio.length, packets.length * 960);
    const ratio = rms(audio) / rms(voice);
    assert.ok(ratio > 0.8 && ratio < 1.25, `loudness ratio ${ratio}`);
  });

  it('fills lost packets with their exact duration: concealment, or silence when asked', async () => {
    const lost = new Set([40, 41, 42, 43, 44]);
    for (const concealment of [true, false]) {
      const stream = await OpusStream.create({ concealment });
      const audio = decodeAll(stream, ordered(packets, lost));
      assert.equal(audio.length, packets.length * 960, 'every lost packet\'s time is there');
      assert.equal(stream.stats.filled, 5 * 960);
      const gap = audio.subarray(40 * 960, 45 * 960);
      if (!concealment) assert.equal(rms(gap), 0);
      stream.free();
    }
  });

  it('cuts a long pause in the timestamps to maxGapSeconds, and survives an undecodable payload', async () => {
    const stream = await OpusStream.create({ maxGapSeconds: 1, concealment: false });
    const items = ordered(packets.slice(0, 10));
    items.push({ sequence: 10, timestamp: items[9]!.timestamp + 960 * 500, payload: packets[10]!, lost: 0 }); // 10 s later
    const audio = decodeAll(stream, items);
    assert.equal(audio.length, 11 * 960 + 48_000);
    const bad = stream.decode({ sequence: 11, timestamp: items[10]!.timestamp + 960, payload: Buffer.from([0xff, 0x00]), lost: 0 });
    assert.equal(bad.length, 0);
    const after = stream.decode({ sequence: 12, timestamp: items[10]!.timestamp + 1920, payload: packets[11]!, lost: 0 });
    assert.equal(after.length, 1920, 'the undecodable packet\'s 20 ms are filled before the next');
    assert.equal(stream.stats.failed, 1);
    stream.free();
  });

  it('downmixes stereo by averaging the channels', async () => {
    const stereo = opusPackets(voice, new Float32Array(voice.length));
    const mono = await OpusStream.create();
    const both = await OpusStream.create();
    const ratio = rms(decodeAll(both, ordered(stereo))) / rms(decodeAll(mono, ordered(packets)));
    mono.free();
    both.free();
    assert.ok(ratio > 0.4 && ratio < 0.6, `speech on the left only comes out at ${ratio} of its level`);
  });
});
