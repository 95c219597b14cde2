// Meetings: REST bodies, queries and responses.
import { z } from 'zod';
import { instantSchema, rawText, text } from './common.js';

export const MEETING_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** A meeting may be scheduled a little in the past: clocks of clients and server differ. */
const SCHEDULE_SLACK_MS = 5 * 60_000;

/** Further ahead is a typo, not a plan. */
export const MAX_SCHEDULE_YEARS = 10;

function withinPlanningReach(at: string): boolean {
  const limit = new Date();
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_SCHEDULE_YEARS);
  return Date.parse(at) <= limit.getTime();
}

// instantSchema stops at its first problem, so a malformed instant is reported once.
const scheduledAtSchema = instantSchema
  .refine((at) => Date.parse(at) > Date.now() - SCHEDULE_SLACK_MS, { error: 'must not be in the past', params: { rule: 'not_past' } })
  .refine(withinPlanningReach, { error: `must be at most ${MAX_SCHEDULE_YEARS} years ahead`, params: { rule: 'too_far_ahead' } });

const fields = {
  title: text(150, 1),
  description: text(5_000),
  scheduled_at: scheduledAtSchema,
  book_id: z.number().int().positive().max(2 ** 31 - 1),
  chapters: text(200, 1),
  thumbnail_file_id: z.uuid(),
  transcription: z.boolean().nullable().describe("on or off (the club owner's decision); null: the club's default"),
};

export const meetingCreateSchema = z.strictObject({
  title: fields.title,
  description: fields.description.default(''),
  scheduled_at: fields.scheduled_at.optional().describe('leave out to open the meeting now'),
  book_id: fields.book_id.optional(),
  chapters: fields.chapters.optional(),
  thumbnail_file_id: fields.thumbnail_file_id.optional(),
  transcription: fields.transcription.optional(),
});
export type MeetingCreate = z.infer<typeof meetingCreateSchema>;

export const meetingUpdateSchema = z
  .strictObject({
    title: fields.title.optional(),
    description: fields.description.optional(),
    scheduled_at: fields.scheduled_at.optional().describe('only while the meeting is scheduled'),
    book_id: fields.book_id.nullable().optional(),
    chapters: fields.chapters.nullable().optional(),
    thumbnail_file_id: fields.thumbnail_file_id.nullable().optional(),
    transcription: fields.transcription.optional(),
  })
  // Only when every field was fine: an unknown field is its own, clearer problem.
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change', when: (payload) => payload.issues.length === 0 });
export type MeetingUpdate = z.infer<typeof meetingUpdateSchema>;

export const meetingListQuerySchema = z.object({
  when: z.enum(['upcoming', 'past']).default('upcoming').describe('upcoming: scheduled and live, soonest first; past: ended and cancelled, latest first'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: rawText(512).optional(),
});
export type MeetingListQuery = z.infer<typeof meetingListQuerySchema>;

const personSchema = z.object({ id: z.number(), username: z.string() });

export const meetingResponseSchema = z.object({
  id: z.number(),
  club_id: z.number(),
  title: z.string(),
  description: z.string(),
  status: z.enum(MEETING_STATUSES),
  scheduled_at: z.string().nullable(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  book_id: z.number().nullable(),
  chapters: z.string().nullable(),
  thumbnail_file_id: z.string().nullable(),
  thumbnail_url: z.string().nullable(),
  participant_count: z.number().describe('distinct people who joined'),
  transcription: z.boolean().describe('whether what is said is transcribed (members who opted out never are)'),
  transcription_setting: z.boolean().nullable().describe("the owner's decision for this meeting; null: the club's default applies"),
  created_by: personSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type MeetingResponse = z.infer<typeof meetingResponseSchema>;

export const participantResponseSchema = z.object({
  // With the nickname, so the room names people as the transcript does.
  user: personSchema.extend({ nickname: z.string().nullable() }),
  first_joined_at: z.string(),
  last_left_at: z.string().nullable().describe('null while the person is still in the meeting'),
  present: z.boolean(),
  talk_ms: z.number(),
  sessions: z.number().describe('how many times the person joined'),
});
export type ParticipantResponse = z.infer<typeof participantResponseSchema>;

export const meetingDetailSchema = meetingResponseSchema.extend({
  participants: z.array(participantResponseSchema),
});
export type MeetingDetail = z.infer<typeof meetingDetailSchema>;
