// The recording job: each stored file is decoded to 16 kHz, each of its speakers' lanes (a
// channel, or the whole file mixed down) cut into utterances by voice activity, each utterance
// recognised and recorded through the transcript sink with times from the file's start.
// Progress (seconds of audio done out of the total) goes to the uploader as it moves on.
//
// Durable and idempotent: the payload names the stored files and the speakers; a run starts by
// removing whatever an earlier, interrupted run of the same job wrote, so a restart resumes the
// job without doubling a segment. When the runner stops, the job hands itself back between
// chunks of audio and runs again on the next start (or on another node).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import type { Logger } from '../../shared/logger.js';
import { recordingJobPayloadSchema, type RecordingJobPayload, type RecordingProgress } from '../../shared/protocol/recordings.js';
import type { AsrEngine } from '../inference/asr/engine.js';
import type { StreamVad } from '../inference/vad/pooled.js';
import type { Utterance } from '../inference/vad/segmenter.js';
import type { JobContext, JobHandler } from '../projects/jobs.js';
import type { TranscriptSink } from '../transcripts/sink.js';
import type { BlobStore } from '../uploads/store.js';
import { decodeRecording } from './decode.js';
import { SpeechLane } from './lane.js';

export const RECORDING_JOB = 'meeting.recording';

export interface RecordingJobDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  speech: { asr: AsrEngine; vad(): StreamVad };
  sink: TranscriptSink;
  bus: Bus;
  logger: Logger;
  /** Progress is pushed at least every this many seconds of audio (and after every segment). */
  progressEverySeconds?: number;
}

const RATE = 16_000;

interface Tally {
  job: JobContext;
  payload: RecordingJobPayload;
  done: number;
  total: number;
  segments: number;
  reported: number;
}

export class RecordingJob implements JobHandler {
  constructor(private readonly deps: RecordingJobDeps) {}

  async run(raw: unknown, job: JobContext): Promise<void | 'handed-back'> {
    const payload = recordingJobPayloadSchema.parse(raw);
    const removed = await this.deps.sink.removeJobSegments(payload.meeting_id, job.id);
    if (removed > 0) this.deps.logger.info({ jobId: job.id, removed }, 'recording job runs again: its earlier segments are replaced');
    const total = payload.files.reduce((sum, f) => sum + f.seconds * f.speakers.length, 0);
    const tally: Tally = { job, payload, done: 0, total, segments: 0, reported: 0 };
    await this.report(tally, 'running');
    for (const file of payload.files) {
      if ((await this.transcribeFile(tally, file)) === 'handed-back') return 'handed-back';
    }
    tally.done = total;
    await this.report(tally, 'completed');
    await this.releaseBlobs(payload, job.id);
    this.deps.logger.info({ jobId: job.id, meetingId: payload.meeting_id, segments: tally.segments }, 'recording transcribed');
  }

  async failed(raw: unknown, error: string, job?: JobContext): Promise<void> {
    const parsed = recordingJobPayloadSchema.safeParse(raw);
    if (!parsed.success || !job) return;
    const total = parsed.data.files.reduce((sum, f) => sum + f.seconds * f.speakers.length, 0);
    await this.report({ job, payload: parsed.data, done: 0, total, segments: 0, reported: 0 }, 'failed', error);
    await this.releaseBlobs(parsed.data, job.id);
  }

  private async transcribeFile(tally: Tally, file: RecordingJobPayload['files'][number]): Promise<void | 'handed-back'> {
    const lanes = file.speakers.map(() => new SpeechLane(this.deps.speech.vad(), { padBefore: 0.4, padAfter: 0.3 }));
    const mixdown = file.speakers.length === 1 && file.channels > 1;
    const startedAt = tally.done;
    for await (const chunk of decodeRecording(this.deps.blobs.pathOf(file.sha256), file.format)) {
      if (tally.job.stopped()) return 'handed-back';
      const audio = mixdown ? [mix(chunk)] : chunk.slice(0, lanes.length);
      for (let l = 0; l < lanes.length; l++) {
        for (const u of await lanes[l]!.push(audio[l] ?? new Float32Array(0))) await this.utterance(tally, file.speakers[l]!, u);
      }
      // Never past the file's share: the decoder's last samples may run a little over its length.
      tally.done = Math.min(startedAt + file.seconds * lanes.length, tally.done + ((audio[0]?.length ?? 0) / RATE) * lanes.length);
      if (tally.done - tally.reported >= (this.deps.progressEverySeconds ?? 30)) await this.report(tally, 'running');
    }
    for (let l = 0; l < lanes.length; l++) {
      for (const u of await lanes[l]!.finish()) await this.utterance(tally, file.speakers[l]!, u);
    }
    tally.done = startedAt + file.seconds * lanes.length;
  }

  private async utterance(tally: Tally, userId: number, u: Utterance): Promise<void> {
    const { sink, speech } = this.deps;
    const meetingId = tally.payload.meeting_id;
    // Nothing of a member who opted out since the upload is recognised.
    if (!(await sink.consents(meetingId, userId, 'recording'))) return;
    const result = await speech.asr.transcribe(u.samples);
    const stored = await sink.record({
      meetingId,
      userId,
      startMs: u.start * 1000,
      endMs: u.end * 1000,
      text: result.text,
      confidence: result.confidence,
      engine: speech.asr.name,
      language: result.language,
      source: 'recording',
      jobId: tally.job.id,
    });
    if (!stored) return;
    tally.segments++;
    await this.report(tally, 'running');
  }

  private async report(tally: Tally, status: RecordingProgress['status'], error: string | null = null): Promise<void> {
    tally.reported = tally.done;
    const progress: RecordingProgress = {
      job_id: tally.job.id,
      meeting_id: tally.payload.meeting_id,
      status,
      done_seconds: Math.round(tally.done * 10) / 10,
      total_seconds: Math.round(tally.total * 10) / 10,
      segments: tally.segments,
      error,
    };
    await this.deps.db
      .updateTable('jobs')
      .set({ done: Math.round(tally.done), total: Math.round(tally.total) })
      .where('id', '=', tally.job.id)
      .execute();
    await this.deps.bus.publish('recording.progress', { userId: tally.payload.user_id, progress });
  }

  /** The audio goes once it is transcribed, unless another open job still needs the same file. */
  private async releaseBlobs(payload: RecordingJobPayload, jobId: number): Promise<void> {
    for (const { sha256 } of payload.files) {
      const needed = await this.deps.db
        .selectFrom('jobs')
        .select('id')
        .where('kind', '=', RECORDING_JOB)
        .where('id', '!=', jobId)
        .where('status', 'in', ['queued', 'running'])
        .where(sql<boolean>`payload->'files' @> ${JSON.stringify([{ sha256 }])}::jsonb`)
        .executeTakeFirst();
      if (!needed) await this.deps.blobs.remove(sha256);
    }
  }
}

/** The channels of a chunk averaged into one. */
function mix(channels: Float32Array[]): Float32Array {
  const length = channels[0]?.length ?? 0;
  const out = new Float32Array(length);
  for (const channel of channels) for (let i = 0; i < length; i++) out[i]! += channel[i]! / channels.length;
  return out;
}
