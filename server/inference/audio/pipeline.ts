// One producer's audio, from RTP packets to utterances: reorder → Opus decode (gaps filled from
// the RTP clock) → 48→16 kHz → VAD in batches → segmenter. `push` is synchronous and cheap;
// VAD runs asynchronously (in the inference pool) on a bounded backlog. When VAD falls behind
// by more than `maxBacklog` seconds, the oldest audio is skipped as silence (counted, reported),
// so the stream's clock stays true. Every utterance carries the producer's identity.
import { RtpReorderer, type ReorderOptions } from './jitter.js';
import { OpusStream, type OpusStreamOptions } from './opus-stream.js';
import { Decimator48to16 } from './resample.js';
import { SpeechSegmenter, type SegmenterOptions, type Utterance } from '../vad/segmenter.js';
import type { StreamVad } from '../vad/pooled.js';
import { VAD_FRAME_SAMPLES, VAD_SAMPLE_RATE } from '../vad/silero.js';

export interface StreamIdentity {
  meetingId: number;
  userId: number;
  producerId: string;
}

export type IdentifiedUtterance = Utterance & StreamIdentity;

export interface SpeechStats {
  /** Seconds of speech (padding excluded). */
  talkTime: number;
  /** Utterances, counting one split by the maximum length as one turn. */
  turns: number;
  longestTurn: number;
  lostPackets: number;
  /** Seconds of audio skipped because VAD fell behind. */
  skipped: number;
}

export interface StreamPipelineOptions {
  identity: StreamIdentity;
  vad: StreamVad;
  onUtterance(utterance: IdentifiedUtterance, stats: SpeechStats): void;
  /** A VAD failure or skipped audio; the stream goes on (the audio counts as silence). */
  onError?(err: Error): void;
  reorder?: ReorderOptions;
  opus?: OpusStreamOptions;
  segmenter?: SegmenterOptions;
  /** Windows per VAD request (default 16, about half a second). */
  batchWindows?: number;
  /** Seconds of audio waiting for VAD before the oldest is skipped (default 30). */
  maxBacklog?: number;
}

export class StreamPipeline {
  private readonly reorderer: RtpReorderer;
  private readonly decimator = new Decimator48to16();
  private readonly segmenter: SpeechSegmenter;
  private readonly backlog: Float32Array[] = [];
  private backlogLength = 0;
  private skippedWindows = 0;
  private draining: Promise<void> | null = null;
  private closing = false;
  private closed: Promise<void> | null = null;
  private turnLength = 0;
  private readonly speech: SpeechStats = { talkTime: 0, turns: 0, longestTurn: 0, lostPackets: 0, skipped: 0 };

  private constructor(
    private readonly options: StreamPipelineOptions,
    private readonly opus: OpusStream,
  ) {
    this.reorderer = new RtpReorderer(options.reorder);
    this.segmenter = new SpeechSegmenter(options.segmenter);
  }

  static async create(options: StreamPipelineOptions): Promise<StreamPipeline> {
    return new StreamPipeline(options, await OpusStream.create(options.opus));
  }

  get stats(): SpeechStats {
    return { ...this.speech, lostPackets: this.reorderer.stats.lost };
  }

  /** One RTP packet of this producer (from the audio tap). Ignored once closing. */
  push(packet: Buffer): void {
    if (this.closing) return;
    for (const payload of this.reorderer.push(packet)) this.enqueue(this.decimator.process(this.opus.decode(payload)));
    this.kick();
  }

  /** The end of the stream: what is held is decoded and run, and the last utterance emitted. */
  close(): Promise<void> {
    this.closed ??= this.finish();
    return this.closed;
  }

  private async finish(): Promise<void> {
    this.closing = true;
    for (const payload of this.reorderer.flush()) this.enqueue(this.decimator.process(this.opus.decode(payload)));
    this.enqueue(this.decimator.flush());
    const tail = this.backlogLength % VAD_FRAME_SAMPLES;
    if (tail > 0) this.enqueue(new Float32Array(VAD_FRAME_SAMPLES - tail));
    this.kick();
    while (this.draining) await this.draining;
    for (const u of this.segmenter.flush()) this.emit(u);
    this.opus.free();
  }

  private enqueue(samples: Float32Array): void {
    if (samples.length === 0) return;
    this.backlog.push(samples);
    this.backlogLength += samples.length;
    const max = Math.round((this.options.maxBacklog ?? 30) * VAD_SAMPLE_RATE);
    if (this.backlogLength > max) {
      const windows = Math.ceil((this.backlogLength - max) / VAD_FRAME_SAMPLES);
      this.take(windows * VAD_FRAME_SAMPLES);
      this.skippedWindows += windows;
      this.speech.skipped += (windows * VAD_FRAME_SAMPLES) / VAD_SAMPLE_RATE;
      this.options.onError?.(new Error(`VAD fell behind by more than ${max / VAD_SAMPLE_RATE} s: skipped ${windows} windows as silence`));
    }
  }

  private kick(): void {
    if (this.draining || this.backlogLength < VAD_FRAME_SAMPLES) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    const batch = Math.max(1, this.options.batchWindows ?? 16);
    while (this.backlogLength >= VAD_FRAME_SAMPLES || this.skippedWindows > 0) {
      // Audio skipped while VAD was behind comes first: it is older than what is still queued.
      for (; this.skippedWindows > 0; this.skippedWindows--) this.segment(new Float32Array(VAD_FRAME_SAMPLES), 0);
      const count = Math.min(batch, Math.floor(this.backlogLength / VAD_FRAME_SAMPLES));
      if (count === 0) break;
      const windows = this.take(count * VAD_FRAME_SAMPLES);
      let probabilities: Float32Array;
      try {
        probabilities = await this.options.vad.probabilities(windows.slice());
      } catch (err) {
        this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
        probabilities = new Float32Array(count);
      }
      for (let w = 0; w < count; w++) {
        this.segment(windows.subarray(w * VAD_FRAME_SAMPLES, (w + 1) * VAD_FRAME_SAMPLES), probabilities[w] ?? 0);
      }
    }
  }

  private segment(window: Float32Array, probability: number): void {
    for (const u of this.segmenter.push(window, probability)) this.emit(u);
  }

  private emit(u: Utterance): void {
    const talk = u.speechEnd - u.speechStart;
    this.speech.talkTime += talk;
    if (!u.continuation) {
      this.speech.turns++;
      this.turnLength = 0;
    }
    this.turnLength += talk;
    this.speech.longestTurn = Math.max(this.speech.longestTurn, this.turnLength);
    this.options.onUtterance({ ...u, ...this.options.identity }, this.stats);
  }

  /** The oldest `length` samples of the backlog, as one array. */
  private take(length: number): Float32Array {
    const out = new Float32Array(length);
    let filled = 0;
    while (filled < length) {
      const head = this.backlog[0]!;
      const used = Math.min(head.length, length - filled);
      out.set(head.subarray(0, used), filled);
      filled += used;
      if (used === head.length) this.backlog.shift();
      else this.backlog[0] = head.subarray(used);
    }
    this.backlogLength -= length;
    return out;
  }
}
