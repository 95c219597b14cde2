// Uploaded meeting recordings: who speaks in which file or channel, the job that transcribes
// them, and its progress pushed live to whoever uploaded them.
import { z } from 'zod';

const userId = z.number().int().positive();

/**
 * The `speakers` form field, as JSON: one list per uploaded file, in the order the files are
 * sent, naming the member who speaks in each of its channels (one id: the whole file, mixed
 * down, is theirs).
 */
export const recordingSpeakersSchema = z
  .array(z.array(userId).min(1, { error: 'name at least one speaker for each file' }).max(8, { error: 'at most 8 channels per file' }))
  .min(1, { error: 'name the speakers of at least one file' })
  .max(16, { error: 'at most 16 files' });
export type RecordingSpeakers = z.infer<typeof recordingSpeakersSchema>;

export const recordingFormats = ['wav', 'ogg-opus'] as const;
export type RecordingFormat = (typeof recordingFormats)[number];

export const recordingFileSchema = z.object({
  name: z.string(),
  format: z.enum(recordingFormats),
  channels: z.number().int(),
  sample_rate: z.number().int(),
  seconds: z.number(),
  /** Per channel (or one for the whole file), as sent. */
  speakers: z.array(z.number().int()),
});
export type RecordingFile = z.infer<typeof recordingFileSchema>;

export const recordingStatuses = ['queued', 'running', 'completed', 'failed'] as const;

/** What transcribing the recordings has reached: seconds of audio done out of the total. */
export const recordingProgressSchema = z.object({
  job_id: z.number().int(),
  meeting_id: z.number().int(),
  status: z.enum(recordingStatuses),
  done_seconds: z.number(),
  total_seconds: z.number(),
  /** Segments written so far. */
  segments: z.number().int(),
  error: z.string().nullable(),
});
export type RecordingProgress = z.infer<typeof recordingProgressSchema>;

export const recordingJobSchema = recordingProgressSchema.extend({ files: z.array(recordingFileSchema) });
export type RecordingJobResponse = z.infer<typeof recordingJobSchema>;

/** A recording job's payload (the jobs row): what was stored and who speaks where. */
export const recordingJobPayloadSchema = z.object({
  meeting_id: z.number().int(),
  /** Who uploaded it: progress goes to them. */
  user_id: z.number().int(),
  files: z.array(
    recordingFileSchema.extend({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});
export type RecordingJobPayload = z.infer<typeof recordingJobPayloadSchema>;
