// One speaker's audio in a recording (a file, or one of its channels) cut into utterances:
// 16 kHz samples in, voice activity in batches of windows, the streaming segmenter, utterances
// out. Unlike a live stream nothing is skipped: the job waits for VAD as long as it takes.
import type { StreamVad } from '../inference/vad/pooled.js';
import { SpeechSegmenter, type SegmenterOptions, type Utterance } from '../inference/vad/segmenter.js';
import { VAD_FRAME_SAMPLES } from '../inference/vad/silero.js';

/** Windows per VAD request (about half a second). */
const BATCH_WINDOWS = 16;

export class SpeechLane {
  private readonly segmenter: SpeechSegmenter;
  private pending = new Float32Array(BATCH_WINDOWS * VAD_FRAME_SAMPLES);
  private pendingLength = 0;

  constructor(
    private readonly vad: StreamVad,
    segmenter: SegmenterOptions = {},
  ) {
    this.segmenter = new SpeechSegmenter(segmenter);
  }

  /** The lane's next samples; resolves with the utterances they complete. */
  async push(samples: Float32Array): Promise<Utterance[]> {
    const out: Utterance[] = [];
    let at = 0;
    while (at < samples.length) {
      const used = Math.min(samples.length - at, this.pending.length - this.pendingLength);
      this.pending.set(samples.subarray(at, at + used), this.pendingLength);
      this.pendingLength += used;
      at += used;
      if (this.pendingLength === this.pending.length) out.push(...(await this.run(this.pending.length)));
    }
    return out;
  }

  /** The end of the recording: what is held runs (the last window padded with silence). */
  async finish(): Promise<Utterance[]> {
    const windows = Math.ceil(this.pendingLength / VAD_FRAME_SAMPLES);
    this.pending.fill(0, this.pendingLength);
    const out = windows > 0 ? await this.run(windows * VAD_FRAME_SAMPLES) : [];
    return [...out, ...this.segmenter.flush()];
  }

  private async run(length: number): Promise<Utterance[]> {
    // The pooled VAD takes its buffer over: hand it a copy.
    const windows = this.pending.slice(0, length);
    const probabilities = await this.vad.probabilities(windows.slice());
    this.pendingLength = 0;
    const out: Utterance[] = [];
    for (let w = 0; w < length / VAD_FRAME_SAMPLES; w++) {
      out.push(...this.segmenter.push(windows.subarray(w * VAD_FRAME_SAMPLES, (w + 1) * VAD_FRAME_SAMPLES), probabilities[w] ?? 0));
    }
    return out;
  }
}
