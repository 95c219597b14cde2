// Cuts a 16 kHz stream into utterances from per-window speech probabilities, as audio arrives.
// Hysteresis: speech starts when a window reaches `startThreshold` and ends only after
// `minSilence` seconds below `stopThreshold` (windows in between neither start nor end it).
// Bursts shorter than `minSpeech` are dropped; utterances are padded by `padBefore`/`padAfter`;
// one longer than `maxUtterance` is split at its quietest window in the last `splitSearch`
// seconds. Times are seconds on the stream's clock, counted in samples from its start.
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE } from './silero.js';

export interface Utterance {
  /** Seconds from the start of the stream, padding included. */
  start: number;
  end: number;
  samples: Float32Array;
  /** The speech itself, without padding (what participation counts). */
  speechStart: number;
  speechEnd: number;
  /** Continues the previous utterance, which was split at `maxUtterance`: the same turn. */
  continuation: boolean;
}

export interface SegmenterOptions {
  /** Defaults: 0.5 / 0.35, the reference usage's threshold and threshold − 0.15. */
  startThreshold?: number;
  stopThreshold?: number;
  /** Seconds. Defaults: 0.25 speech, 0.5 silence to end, 0.2 padding each side, 20 max, 5 split search. */
  minSpeech?: number;
  minSilence?: number;
  padBefore?: number;
  padAfter?: number;
  maxUtterance?: number;
  splitSearch?: number;
}

interface Window {
  probability: number;
  energy: number;
}

export class SpeechSegmenter {
  private readonly o: Required<SegmenterOptions>;
  /** Absolute sample index of buffer[0]. */
  private audioStart = 0;
  /** Held audio: buffer[0, length); grown by doubling, so appending stays cheap. */
  private buffer = new Float32Array(16 * VAD_FRAME_SAMPLES);
  private length = 0;
  private windows: Window[] = [];
  private cursor = 0;
  private speechStart: number | null = null;
  private silenceStart: number | null = null;
  private lastEnd = 0;
  private continuing = false;

  constructor(options: SegmenterOptions = {}) {
    const o = {
      startThreshold: 0.5, stopThreshold: 0.35, minSpeech: 0.25, minSilence: 0.5,
      padBefore: 0.2, padAfter: 0.2, maxUtterance: 20, splitSearch: 5, ...options,
    };
    if (!(o.stopThreshold <= o.startThreshold)) throw new Error('stopThreshold must not exceed startThreshold');
    // The tail padding is audio already held while the silence is being timed.
    o.padAfter = Math.min(o.padAfter, o.minSilence);
    o.splitSearch = Math.min(o.splitSearch, o.maxUtterance / 2);
    this.o = o;
  }

  /** Samples held now: the padding while idle, the utterance so far while speaking. */
  get heldSamples(): number {
    return this.length;
  }

  /** One 512-sample window and its speech probability; returns utterances it completes. */
  push(window: Float32Array, probability: number): Utterance[] {
    if (window.length !== VAD_FRAME_SAMPLES) throw new Error(`segmenter windows are ${VAD_FRAME_SAMPLES} samples`);
    this.append(window, probability);
    const at = this.cursor;
    this.cursor += VAD_FRAME_SAMPLES;
    const out: Utterance[] = [];
    if (this.speechStart === null) {
      if (probability >= this.o.startThreshold) {
        this.speechStart = at;
        this.silenceStart = null;
      } else this.trimIdle();
      return out;
    }
    if (probability >= this.o.startThreshold) this.silenceStart = null;
    else if (probability < this.o.stopThreshold && this.silenceStart === null) this.silenceStart = at;
    if (this.silenceStart !== null && this.cursor - this.silenceStart >= this.seconds(this.o.minSilence)) {
      this.end(this.silenceStart, out);
    } else if (this.cursor - this.paddedStart() >= this.seconds(this.o.maxUtterance)) {
      this.split(out);
    }
    return out;
  }

  /** The end of the stream: an utterance in progress ends here. */
  flush(): Utterance[] {
    const out: Utterance[] = [];
    if (this.speechStart !== null) this.end(this.silenceStart ?? this.cursor, out);
    return out;
  }

  private end(speechEnd: number, out: Utterance[]): void {
    const start = this.paddedStart();
    const end = Math.min(this.cursor, speechEnd + this.seconds(this.o.padAfter));
    if (this.continuing || speechEnd - this.speechStart! >= this.seconds(this.o.minSpeech)) {
      out.push(this.cut(start, end, this.speechStart!, speechEnd));
      this.lastEnd = end;
    }
    this.speechStart = null;
    this.silenceStart = null;
    this.continuing = false;
    this.trimIdle();
  }

  /** Too long: cut at the quietest window of the last `splitSearch` seconds; speech goes on. */
  private split(out: Utterance[]): void {
    const searchFrom = Math.max(this.speechStart! + VAD_FRAME_SAMPLES, this.cursor - this.seconds(this.o.splitSearch));
    let best = this.cursor - VAD_FRAME_SAMPLES;
    let bestWindow: Window | undefined;
    for (let at = searchFrom - (searchFrom % VAD_FRAME_SAMPLES); at < this.cursor; at += VAD_FRAME_SAMPLES) {
      const w = this.windows[(at - this.audioStart) / VAD_FRAME_SAMPLES];
      if (!w) continue;
      if (!bestWindow || w.probability < bestWindow.probability || (w.probability === bestWindow.probability && w.energy < bestWindow.energy)) {
        bestWindow = w;
        best = at;
      }
    }
    const cutAt = best + VAD_FRAME_SAMPLES / 2;
    out.push(this.cut(this.paddedStart(), cutAt, this.speechStart!, cutAt));
    this.lastEnd = cutAt;
    this.speechStart = cutAt;
    this.silenceStart = null;
    this.continuing = true;
  }

  private cut(start: number, end: number, speechStart: number, speechEnd: number): Utterance {
    const samples = this.buffer.slice(start - this.audioStart, end - this.audioStart);
    const rate = VAD_SAMPLE_RATE;
    const utterance = { start: start / rate, end: end / rate, samples, speechStart: speechStart / rate, speechEnd: speechEnd / rate, continuation: this.continuing };
    this.drop(end - (end % VAD_FRAME_SAMPLES));
    return utterance;
  }

  private paddedStart(): number {
    if (this.continuing) return this.speechStart!;
    return Math.max(this.lastEnd, this.audioStart, this.speechStart! - this.seconds(this.o.padBefore));
  }

  /** While idle, keep only the audio the next utterance's padding may need. */
  private trimIdle(): void {
    const keep = this.cursor - this.seconds(this.o.padBefore) - VAD_FRAME_SAMPLES;
    if (keep > this.audioStart) this.drop(keep - (keep % VAD_FRAME_SAMPLES));
  }

  /** Forget audio before absolute sample `from` (a window boundary). */
  private drop(from: number): void {
    if (from <= this.audioStart) return;
    const skip = Math.min(from - this.audioStart, this.length);
    this.buffer.copyWithin(0, skip, this.length);
    this.length -= skip;
    this.windows = this.windows.slice(skip / VAD_FRAME_SAMPLES);
    this.audioStart = from;
  }

  private append(window: Float32Array, probability: number): void {
    if (this.length + window.length > this.buffer.length) {
      const grown = new Float32Array(this.buffer.length * 2);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(window, this.length);
    this.length += window.length;
    let energy = 0;
    for (const s of window) energy += s * s;
    this.windows.push({ probability, energy });
  }

  private seconds(s: number): number {
    return Math.round(s * VAD_SAMPLE_RATE);
  }
}
