// Live transcription: every tapped microphone becomes a stream pipeline (RTP → Opus → 16 kHz →
// voice activity → utterances), each utterance is recognised in a bounded queue and recorded
// (database, meeting document, `transcript:segment`, talk time to moderators: sink.ts).
// Speaker attribution is the tap's: one producer is one member.
//
// The SFU opens a tap only while the meeting is transcribed and the member has not opted out,
// and only while this service listens; consent is checked once more before anything is stored.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Logger } from '../../shared/logger.js';
import type { AudioTapListener, AudioTaps, TapInfo, TapPacket } from '../../sfu/audio-taps.js';
import type { AsrEngine } from '../inference/asr/engine.js';
import { StreamPipeline, type IdentifiedUtterance } from '../inference/audio/pipeline.js';
import type { StreamVad } from '../inference/vad/pooled.js';
import { RecognitionQueue, type Clock, type PendingUtterance, type RecognitionQueueOptions } from './recognition-queue.js';
import type { TranscriptSink } from './sink.js';

export interface LiveTranscriptionDeps {
  db: Kysely<Database>;
  taps: AudioTaps;
  asr: AsrEngine;
  /** A fresh VAD for one stream (its state is the stream's). */
  vad: () => StreamVad;
  sink: TranscriptSink;
  clock: Clock;
  logger: Logger;
  queue?: RecognitionQueueOptions;
  /** Packets held while a stream's decoder loads (about 20 ms of audio each). */
  maxEarlyPackets?: number;
}

interface Stream {
  info: TapInfo;
  /** Where the stream's clock starts, in ms from the meeting's start. */
  offsetMs: Promise<number>;
  pipeline: StreamPipeline | null;
  early: Buffer[];
  stopped: boolean;
}

export class LiveTranscription implements AudioTapListener {
  readonly queue: RecognitionQueue;
  private readonly streams = new Map<string, Stream>();
  private readonly unsubscribe: () => void;
  private readonly pipelinesClosing = new Set<Promise<void>>();
  segments = 0;

  constructor(private readonly deps: LiveTranscriptionDeps) {
    this.queue = new RecognitionQueue(
      {
        recognise: (u) => this.recognise(u),
        refuse: async (u, reason) => {
          deps.logger.warn({ meetingId: u.meetingId, userId: u.userId, startMs: u.startMs, reason }, 'utterance recorded without text');
          await this.store(u, { text: '', confidence: null, language: null }, 'none');
        },
        onError: (err, u) => deps.logger.error({ meetingId: u.meetingId, userId: u.userId, err: err.message }, 'utterance could not be recorded'),
      },
      deps.clock,
      deps.queue,
    );
    this.unsubscribe = deps.taps.subscribe(this);
  }

  get streamCount(): number {
    return this.streams.size;
  }

  started(info: TapInfo): void {
    if (info.codec.mimeType.toLowerCase() !== 'audio/opus') {
      this.deps.logger.warn({ meetingId: info.meetingId, codec: info.codec.mimeType }, 'tapped audio is not Opus: not transcribed');
      return;
    }
    const tappedAt = this.deps.clock.now();
    const stream: Stream = { info, offsetMs: this.offsetOf(info.meetingId, tappedAt), pipeline: null, early: [], stopped: false };
    // An unhandled rejection would end the process; the offset's failure is reported where it is awaited.
    stream.offsetMs.catch(() => {});
    this.streams.set(info.producerId, stream);
    StreamPipeline.create({
      identity: { meetingId: info.meetingId, userId: info.userId, producerId: info.producerId },
      vad: this.deps.vad(),
      // Speech is detected a few windows after it starts: a longer lead-in keeps the first word.
      segmenter: { padBefore: 0.4, padAfter: 0.3 },
      onUtterance: (u) => this.utterance(stream, u),
      onError: (err) => this.deps.logger.warn({ meetingId: info.meetingId, userId: info.userId, err: err.message }, 'transcription stream problem'),
    }).then(
      (pipeline) => {
        stream.pipeline = pipeline;
        for (const packet of stream.early.splice(0)) pipeline.push(packet);
        if (stream.stopped) this.finish(stream);
      },
      (err: Error) => {
        this.streams.delete(info.producerId);
        this.deps.logger.error({ meetingId: info.meetingId, err: err.message }, 'could not start a transcription stream');
      },
    );
  }

  packet({ producerId, packet }: TapPacket): void {
    const stream = this.streams.get(producerId);
    if (!stream || stream.stopped) return;
    if (stream.pipeline) stream.pipeline.push(packet);
    else if (stream.early.length < (this.deps.maxEarlyPackets ?? 250)) stream.early.push(packet);
  }

  stopped(info: TapInfo): void {
    const stream = this.streams.get(info.producerId);
    if (!stream) return;
    stream.stopped = true;
    if (stream.pipeline) this.finish(stream);
  }

  /**
   * Stops listening. What was said so far is recognised and recorded, for up to `graceMs`;
   * what still waits then is recorded without text (who spoke when is kept).
   */
  async close(graceMs = 10_000): Promise<void> {
    this.unsubscribe();
    for (const stream of this.streams.values()) {
      stream.stopped = true;
      if (stream.pipeline) this.finish(stream);
    }
    await Promise.allSettled([...this.pipelinesClosing]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const outcome = await Promise.race([this.queue.drained().then(() => 'drained' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') await this.queue.refuseAll('the server is shutting down');
  }

  private finish(stream: Stream): void {
    this.streams.delete(stream.info.producerId);
    const closing = (stream.pipeline as StreamPipeline).close().finally(() => this.pipelinesClosing.delete(closing));
    this.pipelinesClosing.add(closing);
  }

  private utterance(stream: Stream, u: IdentifiedUtterance): void {
    stream.offsetMs.then(
      (offset) => {
        this.queue.push({ meetingId: u.meetingId, userId: u.userId, startMs: offset + u.start * 1000, endMs: offset + u.end * 1000, samples: u.samples });
      },
      (err: Error) => this.deps.logger.error({ meetingId: u.meetingId, err: err.message }, 'utterance without a meeting clock: not recorded'),
    );
  }

  private async recognise(u: PendingUtterance): Promise<void> {
    // Nothing of an opted-out member is processed further, however long it waited.
    if (!(await this.deps.sink.consents(u.meetingId, u.userId))) return;
    const result = await this.deps.asr.transcribe(u.samples);
    await this.store(u, result, this.deps.asr.name);
  }

  private async store(u: PendingUtterance, result: { text: string; confidence: number | null; language: string | null }, engine: string): Promise<void> {
    const stored = await this.deps.sink.record({ meetingId: u.meetingId, userId: u.userId, startMs: u.startMs, endMs: u.endMs, text: result.text, confidence: result.confidence, engine, language: result.language });
    if (stored) this.segments += 1;
  }

  /** Milliseconds between the meeting's start and `at` (0 when it has no start yet). */
  private async offsetOf(meetingId: number, at: number): Promise<number> {
    const row = await this.deps.db.selectFrom('meetings').select('started_at').where('id', '=', meetingId).executeTakeFirst();
    return row?.started_at ? Math.max(0, at - row.started_at.getTime()) : 0;
  }
}
