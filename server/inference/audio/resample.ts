// 48 kHz → 16 kHz: a linear-phase FIR low-pass evaluated only at the kept samples (the
// polyphase form of "filter, then keep one in three"). Kaiser-windowed sinc, passband to
// 6.5 kHz, stopband from 7.5 kHz at about 70 dB, so nothing above the new 8 kHz Nyquist folds
// back into speech. The filter's delay is compensated: output sample j is the input at 3j,
// the output of N input samples is exactly ceil(N / 3) long, and any chunking gives the same output.

import { kaiserBeta, kaiserLength, kaiserWindow } from './kaiser.js';
import { appendSamples } from './sample-buffer.js';

export const DECIMATION = 3;
const CUTOFF = 7_000 / 48_000;
const ATTENUATION_DB = 70;
const TRANSITION = 1_000 / 48_000;

function designLowPass(): Float32Array {
  // Kaiser's formulas for the length and window shape that reach the attenuation.
  let length = kaiserLength(ATTENUATION_DB, TRANSITION);
  length += (2 * DECIMATION - ((length - 1) % (2 * DECIMATION))) % (2 * DECIMATION); // delay a multiple of 3
  const beta = kaiserBeta(ATTENUATION_DB);
  const mid = (length - 1) / 2;
  const taps = new Float64Array(length);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const t = k - mid;
    const sinc = t === 0 ? 2 * CUTOFF : Math.sin(2 * Math.PI * CUTOFF * t) / (Math.PI * t);
    const window = kaiserWindow(t / mid, beta);
    taps[k] = sinc * window;
    sum += taps[k]!;
  }
  return Float32Array.from(taps, (v) => v / sum); // unity gain at DC
}

const TAPS = designLowPass();
const DELAY = (TAPS.length - 1) / 2;

export class Decimator48to16 {
  /** Input samples from absolute index `start` on; the first DELAY are the zeros before the stream. */
  private buffer = new Float32Array(4096);
  private length = DELAY;
  private start = -DELAY;
  private produced = 0;
  private consumed = 0;

  /** 16 kHz samples for this chunk of 48 kHz input (may be one fewer or more than chunk / 3). */
  process(chunk: Float32Array): Float32Array {
    this.append(chunk);
    this.consumed += chunk.length;
    return this.run(this.start + this.length);
  }

  /** At the end of the stream: the last samples, computed with silence after the end; the total is then ceil(input / 3). */
  flush(): Float32Array {
    this.append(new Float32Array(DELAY));
    return this.run(this.start + this.length, Math.ceil(this.consumed / DECIMATION));
  }

  private append(chunk: Float32Array): void {
    this.buffer = appendSamples(this.buffer, this.length, chunk);
    this.length += chunk.length;
  }

  /** Every output whose last input (3j + DELAY) is below `available`, up to `limit` outputs in all. */
  private run(available: number, limit = Infinity): Float32Array {
    const count = Math.max(0, Math.min(Math.floor((available - DELAY - 1) / DECIMATION) + 1, limit) - this.produced);
    const out = new Float32Array(count);
    const buffer = this.buffer;
    for (let n = 0; n < count; n++) {
      const first = (this.produced + n) * DECIMATION - DELAY - this.start;
      let acc = 0;
      for (let k = 0; k < TAPS.length; k++) acc += TAPS[k]! * buffer[first + k]!;
      out[n] = acc;
    }
    this.produced += count;
    // Keep only what the next output needs.
    const keepFrom = this.produced * DECIMATION - DELAY - this.start;
    if (keepFrom > 0) {
      buffer.copyWithin(0, keepFrom, this.length);
      this.length -= keepFrom;
      this.start += keepFrom;
    }
    return out;
  }
}
