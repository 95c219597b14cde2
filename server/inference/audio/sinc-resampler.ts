// Any sample rate → another (16 kHz for speech): a Kaiser-windowed sinc low-pass evaluated at
// each output instant, in polyphase form. The cut-off sits below the lower of the two Nyquist
// frequencies (passband to 42% of the lower rate, stopband from 50% at about 70 dB), so nothing
// above the new Nyquist folds back into speech. With in/out = M/L in lowest terms, output j is
// the input at j·M/L; when L is small (every common rate: 44.1k → 16k has L = 160) the phases
// are exact, else they are rounded to 1024 per input sample. Output of N input samples is
// exactly ceil(N·L/M) long, whatever the chunking.
import { kaiserBeta, kaiserLength, kaiserWindow } from './kaiser.js';
import { appendSamples } from './sample-buffer.js';
import { Decimator48to16 } from './resample.js';

const ATTENUATION_DB = 70;
const MAX_PHASES = 1024;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Turns chunks of audio at one rate into audio at another. */
export interface Resampler {
  process(chunk: Float32Array): Float32Array;
  /** The last samples, with silence after the end of the stream. */
  flush(): Float32Array;
}

export class SincResampler implements Resampler {
  private readonly up: number;
  private readonly down: number;
  private readonly phases: number;
  private readonly half: number;
  /** phases × (2·half) taps; phase p is the kernel for an output p/phases past an input sample. */
  private readonly table: Float32Array;
  /** Input from absolute index `start`; the first `half` samples are the silence before the stream. */
  private buffer = new Float32Array(4096);
  private length: number;
  private start: number;
  private produced = 0;
  private consumed = 0;

  constructor(inputRate: number, outputRate: number) {
    if (!Number.isInteger(inputRate) || !Number.isInteger(outputRate) || inputRate <= 0 || outputRate <= 0) throw new Error('sample rates must be positive integers');
    const g = gcd(inputRate, outputRate);
    this.up = outputRate / g;
    this.down = inputRate / g;
    this.phases = Math.min(this.up, MAX_PHASES);
    const ratio = Math.min(1, outputRate / inputRate);
    const cutoff = 0.46 * ratio; // cycles per input sample, mid-way through the transition band
    const transition = 0.08 * ratio;
    const taps = kaiserLength(ATTENUATION_DB, transition);
    this.half = Math.ceil(taps / 2);
    const beta = kaiserBeta(ATTENUATION_DB);
    const width = 2 * this.half;
    this.table = new Float32Array(this.phases * width);
    for (let p = 0; p < this.phases; p++) {
      const fraction = p / this.phases;
      let sum = 0;
      const kernel = new Float64Array(width);
      for (let i = 0; i < width; i++) {
        // Tap i multiplies input sample (base - half + 1 + i); u is its distance from the output instant.
        const u = fraction + this.half - 1 - i;
        const sinc = u === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * u) / (Math.PI * u);
        const r = u / this.half;
        const window = Math.abs(r) >= 1 ? 0 : kaiserWindow(r, beta);
        kernel[i] = sinc * window;
        sum += kernel[i]!;
      }
      for (let i = 0; i < width; i++) this.table[p * width + i] = kernel[i]! / sum; // unity gain at DC
    }
    this.length = this.half;
    this.start = -this.half;
  }

  process(chunk: Float32Array): Float32Array {
    this.append(chunk);
    this.consumed += chunk.length;
    return this.run(Infinity);
  }

  flush(): Float32Array {
    this.append(new Float32Array(this.half + 1));
    return this.run(Math.ceil((this.consumed * this.up) / this.down));
  }

  private append(chunk: Float32Array): void {
    this.buffer = appendSamples(this.buffer, this.length, chunk);
    this.length += chunk.length;
  }

  private run(limit: number): Float32Array {
    const width = 2 * this.half;
    const available = this.start + this.length; // absolute index one past the last input held
    const out: number[] = [];
    for (;;) {
      const j = this.produced;
      if (j >= limit) break;
      const position = j * this.down;
      let base = Math.floor(position / this.up);
      let phase = Math.round(((position % this.up) * this.phases) / this.up);
      if (phase === this.phases) {
        base += 1;
        phase = 0;
      }
      const first = base - this.half + 1;
      if (first + width > available) break;
      const offset = first - this.start;
      const kernel = phase * width;
      let acc = 0;
      for (let i = 0; i < width; i++) acc += this.table[kernel + i]! * this.buffer[offset + i]!;
      out.push(acc);
      this.produced++;
    }
    // Keep only what the next output needs.
    const nextBase = Math.floor((this.produced * this.down) / this.up);
    const keepFrom = nextBase - this.half + 1 - this.start;
    if (keepFrom > 0) {
      this.buffer.copyWithin(0, keepFrom, this.length);
      this.length -= keepFrom;
      this.start += keepFrom;
    }
    return Float32Array.from(out);
  }
}

/** Passes audio through unchanged (it is at the rate wanted already). */
class Passthrough implements Resampler {
  process(chunk: Float32Array): Float32Array {
    return chunk.slice();
  }
  flush(): Float32Array {
    return new Float32Array(0);
  }
}

/** The resampler from `inputRate` to 16 kHz: the FIR decimator for 48 kHz, sinc for the rest. */
export function resamplerTo16k(inputRate: number): Resampler {
  if (inputRate === 16_000) return new Passthrough();
  if (inputRate === 48_000) return new Decimator48to16();
  return new SincResampler(inputRate, 16_000);
}
