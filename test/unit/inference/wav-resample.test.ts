import assert from 'node:assert/strict';
import { SincResampler } from '../../../server/inference/audio/sinc-resampler.js';
import { deinterleave, parseWavHeader, WavError } from '../../../server/inference/audio/wav.js';

function tone(frequency: number, samples: number, rate: number): Float32Array {
  return Float32Array.from({ length: samples }, (_, i) => 0.8 * Math.sin((2 * Math.PI * frequency * i) / rate));
}

function resample(input: Float32Array, from: number, to = 16_000): Float32Array {
  const r = new SincResampler(from, to);
  const a = r.process(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function peak(x: Float32Array): number {
  let max = 0;
  for (let i = 400; i < x.length - 400; i++) max = Math.max(max, Math.abs(x[i]!));
  return max;
}

/** A WAV file's bytes: header chunks as given, then the samples. */
function wav(format: { tag: number; channels: number; rate: number; bits: number }, data: Buffer, extra: Buffer[] = []): Buffer {
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(format.tag, 8);
  fmt.writeUInt16LE(format.channels, 10);
  fmt.writeUInt32LE(format.rate, 12);
  fmt.writeUInt32LE((format.rate * format.channels * format.bits) / 8, 16);
  fmt.writeUInt16LE((format.channels * format.bits) / 8, 20);
  fmt.writeUInt16LE(format.bits, 22);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(data.length, 4);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, ...extra, dataHeader, data]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

describe('WAV reading', () => {
  it('reads 8, 16, 24 and 32-bit integer and 32-bit float samples, per channel, past other chunks', () => {
    const cases: Array<[number, number, (b: Buffer, v: number, at: number) => void]> = [
      [1, 8, (b, v, at) => b.writeUInt8(Math.round(v * 127) + 128, at)],
      [1, 16, (b, v, at) => b.writeInt16LE(Math.round(v * 32767), at)],
      [1, 24, (b, v, at) => b.writeIntLE(Math.round(v * 8388607), at, 3)],
      [1, 32, (b, v, at) => b.writeInt32LE(Math.round(v * 2147483647), at)],
      [3, 32, (b, v, at) => b.writeFloatLE(v, at)],
    ];
    const left = [0.5, -0.25, 0.75];
    const right = [-0.5, 0.125, 0];
    for (const [tag, bits, write] of cases) {
      const width = bits / 8;
      const data = Buffer.alloc(3 * 2 * width);
      for (let f = 0; f < 3; f++) {
        write(data, left[f]!, (2 * f) * width);
        write(data, right[f]!, (2 * f + 1) * width);
      }
      const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]); // odd size, padded
      const file = wav({ tag, channels: 2, rate: 22_050, bits }, data, [list]);
      const info = parseWavHeader(file, file.length);
      assert.deepEqual([info.channels, info.sampleRate, info.frames, info.encoding], [2, 22_050, 3, tag === 3 ? 'float' : 'int']);
      const [l, r] = deinterleave(file.subarray(info.dataOffset), info);
      for (let f = 0; f < 3; f++) {
        assert.ok(Math.abs(l![f]! - left[f]!) < 0.01, `${bits}-bit left ${f}: ${l![f]}`);
        assert.ok(Math.abs(r![f]! - right[f]!) < 0.01, `${bits}-bit right ${f}: ${r![f]}`);
      }
    }
  });

  it('says in words what is wrong with a file it cannot read', () => {
    const good = wav({ tag: 1, channels: 1, rate: 16_000, bits: 16 }, Buffer.alloc(32));
    const problems: Array<[Buffer, RegExp]> = [
      [Buffer.from('RIFF\0\0\0\0WAVX'), /not a WAV/],
      [wav({ tag: 2, channels: 1, rate: 16_000, bits: 4 }, Buffer.alloc(4)), /encoding 2 is not supported/],
      [wav({ tag: 1, channels: 1, rate: 16_000, bits: 12 }, Buffer.alloc(4)), /12 bits/],
      [wav({ tag: 3, channels: 1, rate: 16_000, bits: 64 }, Buffer.alloc(8)), /float with 64 bits/],
      [wav({ tag: 1, channels: 1, rate: 100, bits: 16 }, Buffer.alloc(4)), /sample rate 100 Hz/],
      [good.subarray(0, 30), /format chunk is truncated|without a format chunk/],
      [good.subarray(0, 36), /without a data chunk/],
    ];
    for (const [bytes, message] of problems) assert.throws(() => parseWavHeader(bytes, bytes.length), (err: Error) => err instanceof WavError && message.test(err.message), message.source);
  });

  it('takes a data chunk a streaming writer left unsized to run to the end of the file', () => {
    const file = wav({ tag: 1, channels: 1, rate: 16_000, bits: 16 }, Buffer.alloc(200));
    file.writeUInt32LE(0xffffffff, file.length - 200 - 4);
    assert.equal(parseWavHeader(file, file.length).frames, 100);
  });
});

describe('any rate → 16 kHz resampling (windowed sinc)', () => {
  for (const rate of [44_100, 22_050, 8_000, 32_000, 11_025]) {
    it(`keeps a 1 kHz tone at ${rate} Hz at its amplitude and in phase`, () => {
      const input = tone(1_000, rate, rate);
      const out = resample(input, rate);
      assert.ok(Math.abs(peak(out) - 0.8) < 0.8 * 0.01, `peak ${peak(out)}`);
      // Output j is the input at j·rate/16000.
      for (let j = 500; j < 15_000; j += 1_231) assert.ok(Math.abs(out[j]! - 0.8 * Math.sin((2 * Math.PI * 1_000 * j) / 16_000)) < 0.02, `sample ${j}`);
    });
  }

  it('strongly attenuates tones at and above the new 8 kHz Nyquist (44.1 kHz input)', () => {
    for (const frequency of [8_000, 9_000, 12_000, 20_000]) {
      const db = -20 * Math.log10(peak(resample(tone(frequency, 44_100, 44_100), 44_100)) / 0.8);
      assert.ok(db >= 55, `${frequency} Hz attenuated only ${db.toFixed(1)} dB`);
    }
  });

  it('gives exactly ceil(n·16000/rate) samples, the same however the input is chunked', () => {
    for (const n of [0, 1, 2, 440, 441, 442, 44_101]) assert.equal(resample(tone(440, n, 44_100), 44_100).length, Math.ceil((n * 160) / 441), `n=${n}`);
    const input = Float32Array.from({ length: 30_000 }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
    const whole = resample(input, 44_100);
    const r = new SincResampler(44_100, 16_000);
    const parts: number[] = [];
    let at = 0;
    for (const size of [1, 2, 960, 7, 0, 333, 4_000, 5, 24_692]) {
      parts.push(...r.process(input.subarray(at, at + size)));
      at += size;
    }
    parts.push(...r.flush());
    assert.equal(parts.length, whole.length);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(parts[i]! - whole[i]!) < 1e-6, `sample ${i}`);
  });
});
