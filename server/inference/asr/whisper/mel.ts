// Whisper's log-mel front end, as openai/whisper's audio.py and transformers' WhisperFeatureExtractor
// compute it: audio padded or cut to 30 s at 16 kHz, a centred STFT (reflect padding, periodic
// Hann window, n_fft 400, hop 160), power spectrum, a Slaney mel filterbank (librosa's defaults),
// log10 clamped at 1e-10, floored at 8 below the maximum, then (x + 4) / 4. The last STFT frame
// is dropped, as Whisper does, leaving 3000 frames.
import { createFftPlan, type FftPlan } from './fft.js';

export const WHISPER_SAMPLE_RATE = 16_000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP = 160;
export const WHISPER_CHUNK_SECONDS = 30;
export const WHISPER_CHUNK_SAMPLES = WHISPER_SAMPLE_RATE * WHISPER_CHUNK_SECONDS; // 480,000
export const WHISPER_FRAMES = WHISPER_CHUNK_SAMPLES / WHISPER_HOP; // 3000
const N_BINS = WHISPER_N_FFT / 2 + 1;

// Slaney's mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export interface MelFilterbank {
  readonly nMels: number;
  /** Row-major [nMels, N_FFT/2 + 1]. */
  readonly weights: Float32Array;
  /** The nMels + 2 band edges in Hz: band i rises from edge i, peaks at edge i + 1, falls to edge i + 2. */
  readonly edgesHz: Float64Array;
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels, fmin=0, fmax=8000, htk=False, norm='slaney'). */
export function melFilterbank(nMels: number): MelFilterbank {
  if (!Number.isInteger(nMels) || nMels < 1 || nMels > 256) throw new Error(`n_mels must be an integer in 1..256, got ${nMels}`);
  const maxMel = hzToMel(WHISPER_SAMPLE_RATE / 2);
  const edgesHz = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i += 1) edgesHz[i] = melToHz((maxMel * i) / (nMels + 1));
  const weights = new Float32Array(nMels * N_BINS);
  for (let i = 0; i < nMels; i += 1) {
    const lowerEdge = edgesHz[i] as number;
    const centre = edgesHz[i + 1] as number;
    const upperEdge = edgesHz[i + 2] as number;
    const slaneyNorm = 2 / (upperEdge - lowerEdge); // equal area per band
    for (let k = 0; k < N_BINS; k += 1) {
      const hz = (k * WHISPER_SAMPLE_RATE) / WHISPER_N_FFT;
      const rising = (hz - lowerEdge) / (centre - lowerEdge);
      const falling = (upperEdge - hz) / (upperEdge - centre);
      weights[i * N_BINS + k] = Math.max(0, Math.min(rising, falling)) * slaneyNorm;
    }
  }
  return { nMels, weights, edgesHz };
}

/** torch.hann_window(400) (periodic). */
function hannWindow(size: number): Float64Array {
  const window = new Float64Array(size);
  for (let i = 0; i < size; i += 1) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return window;
}

export interface LogMelSpectrogram {
  /** Row-major [nMels, WHISPER_FRAMES], as the encoder's input_features expects. */
  readonly data: Float32Array;
  readonly nMels: number;
  readonly frames: number;
}

/** Computes Whisper log-mel features for one 30 s window. */
export class WhisperFrontEnd {
  private readonly fft: FftPlan = createFftPlan(WHISPER_N_FFT);
  private readonly window = hannWindow(WHISPER_N_FFT);
  private readonly filters: MelFilterbank;
  // Each band is non-zero over a few neighbouring bins only: [first, last) per band.
  private readonly bandStart: Int32Array;
  private readonly bandEnd: Int32Array;
  // Scratch buffers reused across frames and calls.
  private readonly frameRe = new Float64Array(WHISPER_N_FFT);
  private readonly frameIm = new Float64Array(WHISPER_N_FFT);
  private readonly specRe = new Float64Array(WHISPER_N_FFT);
  private readonly specIm = new Float64Array(WHISPER_N_FFT);
  private readonly power = new Float64Array(N_BINS);

  constructor(readonly nMels: number) {
    this.filters = melFilterbank(nMels);
    this.bandStart = new Int32Array(nMels);
    this.bandEnd = new Int32Array(nMels);
    for (let m = 0; m < nMels; m += 1) {
      let first = N_BINS;
      let last = 0;
      for (let k = 0; k < N_BINS; k += 1) {
        if ((this.filters.weights[m * N_BINS + k] as number) !== 0) {
          first = Math.min(first, k);
          last = k + 1;
        }
      }
      this.bandStart[m] = first;
      this.bandEnd[m] = Math.max(first, last);
    }
  }

  /**
   * `samples` (16 kHz mono) are zero-padded or cut to 30 s. Callers split longer audio into
   * windows themselves; this never looks past 480,000 samples.
   */
  compute(samples: Float32Array): LogMelSpectrogram {
    const half = WHISPER_N_FFT / 2;
    const length = Math.min(samples.length, WHISPER_CHUNK_SAMPLES);
    // Padded signal value at index i of the 30 s window (zeros past the audio).
    const at = (i: number): number => (i < length ? (samples[i] as number) : 0);
    const nMels = this.nMels;
    const frames = WHISPER_FRAMES;
    const mel = new Float64Array(nMels * frames);
    const weights = this.filters.weights;
    for (let t = 0; t < frames; t += 1) {
      const start = t * WHISPER_HOP - half;
      for (let j = 0; j < WHISPER_N_FFT; j += 1) {
        let i = start + j;
        // Centre padding reflects the window around its ends (numpy/torch 'reflect': no edge repeat).
        if (i < 0) i = -i;
        else if (i >= WHISPER_CHUNK_SAMPLES) i = 2 * (WHISPER_CHUNK_SAMPLES - 1) - i;
        this.frameRe[j] = at(i) * (this.window[j] as number);
        this.frameIm[j] = 0;
      }
      this.fft.transform(this.frameRe, this.frameIm, this.specRe, this.specIm);
      for (let k = 0; k < N_BINS; k += 1) {
        const re = this.specRe[k] as number;
        const im = this.specIm[k] as number;
        this.power[k] = re * re + im * im;
      }
      for (let m = 0; m < nMels; m += 1) {
        let sum = 0;
        const row = m * N_BINS;
        const end = this.bandEnd[m] as number;
        for (let k = this.bandStart[m] as number; k < end; k += 1) sum += (weights[row + k] as number) * (this.power[k] as number);
        mel[m * frames + t] = sum;
      }
    }
    let max = -Infinity;
    for (let i = 0; i < mel.length; i += 1) {
      const log = Math.log10(Math.max(mel[i] as number, 1e-10));
      mel[i] = log;
      if (log > max) max = log;
    }
    const floor = max - 8;
    const data = new Float32Array(mel.length);
    for (let i = 0; i < mel.length; i += 1) data[i] = (Math.max(mel[i] as number, floor) + 4) / 4;
    return { data, nMels, frames };
  }
}
