import assert from 'node:assert/strict';
import { Decimator48to16 } from '../../../server/inference/audio/resample.js';

function tone(frequency: number, samples: number, rate = 48_000): Float32Array {
  return Float32Array.from({ length: samples }, (_, i) => 0.8 * Math.sin((2 * Math.PI * frequency * i) / rate));
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decimate(input: Float32Array): Float32Array {
  const d = new Decimator48to16();
  return concat([d.process(input), d.flush()]);
}

/** Peak amplitude away from the edges (where the filter sees the stream start and end). */
function peak(x: Float32Array): number {
  let max = 0;
  for (let i = 200; i < x.length - 200; i++) max = Math.max(max, Math.abs(x[i]!));
  return max;
}

describe('48 kHz → 16 kHz resampling', () => {
  it('keeps a 1 kHz tone at its amplitude and in phase', () => {
    const input = tone(1_000, 48_000);
    const out = decimate(input);
    assert.ok(Math.abs(peak(out) - 0.8) < 0.8 * 0.005, `peak ${peak(out)}`);
    // Output j is the input at 3j: the filter delay is compensated.
    for (let j = 300; j < 15_700; j += 997) assert.ok(Math.abs(out[j]! - input[3 * j]!) < 0.01, `sample ${j}`);
  });

  it('strongly attenuates tones at and above 7.5 kHz, which would fold back past the new 8 kHz Nyquist', () => {
    for (const [frequency, minDb] of [[7_500, 60], [8_000, 60], [9_000, 60], [12_000, 60], [20_000, 60]] as const) {
      const db = -20 * Math.log10(peak(decimate(tone(frequency, 48_000))) / 0.8);
      assert.ok(db >= minDb, `${frequency} Hz attenuated only ${db.toFixed(1)} dB`);
    }
  });

  it('gives exactly ceil(n / 3) samples, and the same output however the input is chunked', () => {
    for (const n of [0, 1, 2, 3, 4, 959, 960, 961, 48_001]) assert.equal(decimate(tone(440, n)).length, Math.ceil(n / 3), `n=${n}`);
    const input = Float32Array.from({ length: 20_000 }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
    const whole = decimate(input);
    const d = new Decimator48to16();
    const parts: Float32Array[] = [];
    let at = 0;
    for (const size of [1, 2, 960, 7, 0, 333, 4_000, 5]) {
      parts.push(d.process(input.subarray(at, at + size)));
      at += size;
    }
    while (at < input.length) {
      parts.push(d.process(input.subarray(at, at + 961)));
      at += 961;
    }
    parts.push(d.flush());
    assert.deepEqual(concat(parts), whole);
  });
});
