// Accepting uploaded recordings of a meeting: who speaks where is checked against the club
// (members only, and nobody who opted out of transcription: nothing of theirs is processed),
// each file is typed by its bytes and measured, stored in the blob store, and one durable job
// is queued to transcribe them all.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Config } from '../../shared/config.js';
import { AppError } from '../../shared/errors.js';
import { recordingSpeakersSchema, type RecordingFile, type RecordingJobPayload, type RecordingJobResponse, type RecordingSpeakers } from '../../shared/protocol/recordings.js';
import type { JobRunner } from '../projects/jobs.js';
import type { UploadedPart } from '../uploads/multipart.js';
import type { BlobStore } from '../uploads/store.js';
import type { MeetingRow } from '../transcripts/meeting-access.js';
import { RECORDING_JOB } from './job.js';
import { probeRecording, type RecordingProbe } from './probe.js';

export const RECORDINGS_FIELD = 'recordings';
/** The most channels a file may have at all (one speaker mixes them down). */
const MAX_FILE_CHANNELS = 8;

const invalid = (path: string, message: string) => new AppError('validation_failed', message, [{ path, message }]);

export class RecordingService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly jobs: JobRunner,
    private readonly settings: Config['recordings'],
  ) {}

  /** Checks the form, stores the files and queues their transcription (202 with the job). */
  async submit(meeting: MeetingRow, userId: number, parts: UploadedPart[], fields: Map<string, string>): Promise<RecordingJobResponse> {
    const speakers = this.speakers(fields.get('speakers'));
    const files = parts.filter((p) => p.field === RECORDINGS_FIELD);
    const stray = parts.find((p) => p.field !== RECORDINGS_FIELD);
    if (stray) throw invalid(stray.field, `unexpected file field "${stray.field}"; send recordings as "${RECORDINGS_FIELD}"`);
    if (files.length === 0) throw invalid(RECORDINGS_FIELD, 'no recording was sent');
    if (files.length !== speakers.length) throw invalid('speakers', `speakers names ${speakers.length} files but ${files.length} were sent`);
    await this.checkSpeakers(meeting.club_id, speakers);
    const probes: RecordingProbe[] = [];
    for (const [i, part] of files.entries()) probes.push(await this.check(part, i, speakers[i]!));
    const stored: RecordingJobPayload['files'] = [];
    for (const [i, part] of files.entries()) {
      const probe = probes[i]!;
      const sha256 = await this.store(part);
      stored.push({ name: part.name, format: probe.format, channels: probe.channels, sample_rate: probe.sampleRate, seconds: probe.seconds, speakers: speakers[i]!, sha256 });
    }
    const payload: RecordingJobPayload = { meeting_id: meeting.id, user_id: userId, files: stored };
    const total = stored.reduce((sum, f) => sum + f.seconds * f.speakers.length, 0);
    const job = await this.db
      .insertInto('jobs')
      .values({ kind: RECORDING_JOB, project_id: null, payload: JSON.stringify(payload), total: Math.round(total) })
      .returning('id')
      .executeTakeFirstOrThrow();
    this.jobs.nudge();
    return {
      job_id: job.id,
      meeting_id: meeting.id,
      status: 'queued',
      done_seconds: 0,
      total_seconds: Math.round(total * 10) / 10,
      segments: 0,
      error: null,
      files: stored.map(({ sha256: _sha, ...file }): RecordingFile => file),
    };
  }

  private speakers(raw: string | undefined): RecordingSpeakers {
    if (raw === undefined) throw invalid('speakers', 'the "speakers" field is required: a JSON list, per file, of the member speaking in each channel (e.g. [[12], [12, 34]])');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw invalid('speakers', '"speakers" is not valid JSON');
    }
    const parsed = recordingSpeakersSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(['speakers', ...(issue?.path ?? [])].join('.'), issue?.message ?? 'invalid speakers');
    }
    if (parsed.data.length > this.settings.maxFiles) throw invalid('speakers', `at most ${this.settings.maxFiles} recordings per request`);
    return parsed.data;
  }

  /** Every speaker is an active member of the club and has not opted out of transcription. */
  private async checkSpeakers(clubId: number, speakers: RecordingSpeakers): Promise<void> {
    const ids = [...new Set(speakers.flat())];
    const rows = await this.db
      .selectFrom('users')
      .innerJoin('memberships', (join) => join.onRef('memberships.user_id', '=', 'users.id').on('memberships.club_id', '=', clubId).on('memberships.status', '=', 'active'))
      .select(['users.id', 'users.transcription_opt_out'])
      .where('users.id', 'in', ids)
      .execute();
    const members = new Map(rows.map((r) => [r.id, r.transcription_opt_out]));
    const outsiders = ids.filter((id) => !members.has(id));
    if (outsiders.length > 0) throw invalid('speakers', `not members of this club: ${outsiders.join(', ')}`);
    const optedOut = ids.filter((id) => members.get(id) === true);
    if (optedOut.length > 0) {
      throw new AppError('speaker_opted_out', `These speakers opted out of transcription, so their recordings are not processed: ${optedOut.join(', ')}`, { user_ids: optedOut });
    }
  }

  private async check(part: UploadedPart, index: number, speakers: number[]): Promise<RecordingProbe> {
    const name = part.name || `file ${index + 1}`;
    if (part.tooLarge) throw new AppError('payload_too_large', `${name}: larger than ${this.settings.maxBytes} bytes`);
    const probed = await this.withPath(part, (file) => probeRecording(file));
    if (!probed.ok) throw new AppError(probed.unsupported ? 'unsupported_media_type' : 'validation_failed', `${name}: ${probed.reason}`);
    const { probe } = probed;
    if (probe.seconds > this.settings.maxSeconds) {
      throw new AppError('payload_too_large', `${name}: ${Math.round(probe.seconds)} s long; recordings may be at most ${this.settings.maxSeconds} s`);
    }
    if (probe.channels > MAX_FILE_CHANNELS) throw invalid(`speakers.${index}`, `${name}: ${probe.channels} channels; at most ${MAX_FILE_CHANNELS}`);
    if (speakers.length > 1 && speakers.length !== probe.channels) {
      throw invalid(`speakers.${index}`, `${name} has ${probe.channels} channel(s): name one speaker for the whole file or one per channel`);
    }
    if (speakers.length > this.settings.maxChannels) throw invalid(`speakers.${index}`, `${name}: at most ${this.settings.maxChannels} speakers per file`);
    return probe;
  }

  /** The part as a file on disk (a small one is written out from memory first). */
  private async withPath<T>(part: UploadedPart, use: (file: string) => Promise<T>): Promise<T> {
    if (typeof part.content === 'string') return use(part.content);
    const temp = await this.writeTemp(part.content);
    try {
      return await use(temp);
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  private async store(part: UploadedPart): Promise<string> {
    // A temp file is moved in (the part then has nothing left to discard); a small one is written.
    const file = typeof part.content === 'string' ? part.content : await this.writeTemp(part.content);
    return this.blobs.putFile(file);
  }

  private async writeTemp(data: Buffer): Promise<string> {
    const file = path.join(this.blobs.tempDir, `recording-${randomBytes(12).toString('hex')}`);
    await fs.promises.writeFile(file, data, { mode: 0o600 });
    return file;
  }
}
