// Clubs and membership: REST bodies, queries and responses.
import { z } from 'zod';
import { CLUB_ROLES } from '../permissions.js';
import { bodyIdSchema, dateSchema, rawText, text, withoutNul } from './common.js';
import { avatarUrlSchema } from './users.js';

export const CLUB_KINDS = ['book', 'study'] as const;
export const VISIBILITIES = ['public', 'private'] as const;
export const MAX_KEYWORDS = 20;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const scheduleSchema = z.strictObject({
  times: z.number().int().min(1).max(31),
  period: z.enum(['week', 'month']),
  weekdays: z
    .array(z.number().int().min(0).max(6))
    .min(1)
    .max(7)
    .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
  start_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time like 19:30' }),
  duration_minutes: z.number().int().min(15).max(720),
  time_zone: z.string().max(64).refine(isTimeZone, { error: 'is not a known IANA time zone', params: { rule: 'time_zone' } }),
  starts_on: dateSchema.optional(),
});
export type ScheduleInput = z.infer<typeof scheduleSchema>;

const keywordsSchema = z
  .array(withoutNul(z.string().trim().toLowerCase().min(1).max(40)))
  .max(MAX_KEYWORDS, { error: `at most ${MAX_KEYWORDS} keywords` })
  .transform((list) => [...new Set(list)]);

const studyFields = {
  main_goal: text(500).nullable().optional(),
  grace_period_days: z.number().int().min(0).max(365).optional(),
  renew_period_days: z.number().int().min(1).max(366).nullable().optional(),
  entrance_fee: z.number().int().min(0).max(1_000_000_000).optional(),
  penalty: z.number().int().min(0).max(100).optional(),
};
const STUDY_FIELDS = Object.keys(studyFields);

const editableFields = {
  title: text(100, 1),
  summary: text(150),
  detail: text(10_000),
  cover_file_id: z.uuid().nullable(),
  visibility: z.enum(VISIBILITIES),
  /** Plain text in, hashed at rest; null removes it. */
  join_password: rawText(128).min(6).nullable(),
  max_members: z.number().int().min(1),
  keywords: keywordsSchema,
  schedule: scheduleSchema.nullable(),
};

export const clubCreateSchema = z
  .strictObject({
    kind: z.enum(CLUB_KINDS),
    title: editableFields.title,
    summary: editableFields.summary.default(''),
    detail: editableFields.detail.default(''),
    cover_file_id: editableFields.cover_file_id.optional(),
    visibility: editableFields.visibility.default('public'),
    join_password: editableFields.join_password.optional(),
    max_members: editableFields.max_members.default(6),
    keywords: editableFields.keywords.default([]),
    schedule: editableFields.schedule.optional(),
    ...studyFields,
  })
  .superRefine((club, ctx) => {
    if (club.kind !== 'study') {
      for (const field of STUDY_FIELDS) {
        if ((club as Record<string, unknown>)[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: 'applies to study groups only', params: { rule: 'study_only' } });
        }
      }
    }
  });
export type ClubCreate = z.infer<typeof clubCreateSchema>;

export const clubUpdateSchema = z
  .strictObject({
    title: editableFields.title.optional(),
    summary: editableFields.summary.optional(),
    detail: editableFields.detail.optional(),
    cover_file_id: editableFields.cover_file_id.optional(),
    visibility: editableFields.visibility.optional(),
    join_password: editableFields.join_password.optional(),
    max_members: editableFields.max_members.optional(),
    keywords: editableFields.keywords.optional(),
    schedule: editableFields.schedule.optional(),
    transcription_default: z.boolean().optional().describe("whether the club's meetings are transcribed unless the owner decides otherwise for one"),
    ...studyFields,
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change' });
export type ClubUpdate = z.infer<typeof clubUpdateSchema>;

export const clubScheduleSchema = z.object({
  times: z.number(),
  period: z.enum(['week', 'month']),
  weekdays: z.array(z.number()),
  start_time: z.string(),
  duration_minutes: z.number(),
  time_zone: z.string(),
  starts_on: z.string(),
});

export const membershipViewSchema = z.object({
  role: z.enum([...CLUB_ROLES, 'guest', 'outsider']),
  status: z.enum(['active', 'banned', 'pending', 'none']),
  liked: z.boolean(),
});

export const clubResponseSchema = z.object({
  id: z.number(),
  kind: z.enum(CLUB_KINDS),
  title: z.string(),
  summary: z.string(),
  detail: z.string().nullable().describe('null when the caller may not read a private club'),
  cover_url: z.string().nullable(),
  visibility: z.enum(VISIBILITIES),
  has_password: z.boolean(),
  transcription_default: z.boolean().describe("whether the club's meetings are transcribed unless the owner decides otherwise for one"),
  max_members: z.number(),
  member_count: z.number(),
  seats_left: z.number(),
  keywords: z.array(z.string()),
  schedule: clubScheduleSchema.nullable(),
  owner: z.object({ id: z.number(), username: z.string() }),
  like_count: z.number(),
  study: z
    .object({
      main_goal: z.string().nullable().describe('null when the caller may not read a private club'),
      grace_period_days: z.number(),
      renew_period_days: z.number().nullable(),
      entrance_fee: z.number(),
      penalty: z.number(),
      season: z.number(),
      renewed_at: z.string().nullable(),
      total_money: z.number().nullable().describe('null unless the caller may read all dues (moderators and the owner)'),
    })
    .nullable(),
  me: membershipViewSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type ClubResponse = z.infer<typeof clubResponseSchema>;

/** PUT and DELETE /api/clubs/:clubId/like: whether you like it now, and the club's count. */
export const clubLikeResponseSchema = z.object({ liked: z.boolean(), like_count: z.number() });

/** GET /api/me/clubs: the clubs you belong to, newest membership first. */
export const myClubSchema = z.object({
  id: z.number(),
  kind: z.enum(CLUB_KINDS),
  title: z.string(),
  summary: z.string(),
  member_count: z.number(),
  max_members: z.number(),
  role: z.enum(CLUB_ROLES),
  joined_at: z.string(),
});
export const myClubsResponseSchema = z.object({ items: z.array(myClubSchema), next_cursor: z.null() });
export type MyClub = z.infer<typeof myClubSchema>;

// Discovery

export const clubSearchQuerySchema = z.object({
  q: text(200).optional(),
  kind: z.enum(CLUB_KINDS).optional(),
  keyword: withoutNul(z.string().trim().toLowerCase().max(40)).optional(),
  weekday: z.coerce.number().int().min(0).max(6).optional(),
  has_seats: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: rawText(512).optional(),
});
export type ClubSearchQuery = z.infer<typeof clubSearchQuerySchema>;

// Membership

export const knockCreateSchema = z.strictObject({
  message: text(500).default(''),
  password: rawText(128).optional(),
});
export const KNOCK_DECISIONS = ['admit_member', 'admit_once', 'refuse'] as const;
export const knockDecisionSchema = z.strictObject({ decision: z.enum(KNOCK_DECISIONS) });
export type KnockDecision = (typeof KNOCK_DECISIONS)[number];

export const knockResponseSchema = z.object({
  id: z.number(),
  club_id: z.number(),
  user: z.object({ id: z.number(), username: z.string(), nickname: z.string().nullable(), avatar_url: avatarUrlSchema }),
  message: z.string(),
  status: z.enum(['pending', 'admitted_member', 'admitted_once', 'refused', 'withdrawn']),
  decided_at: z.string().nullable(),
  guest_until: z.string().nullable(),
  created_at: z.string(),
});
export type KnockResponse = z.infer<typeof knockResponseSchema>;

export const memberRoleUpdateSchema = z.strictObject({ role: z.enum(['moderator', 'notetaker', 'member']) });
export const banSchema = z.strictObject({ reason: text(500).default('') });
export const transferSchema = z.strictObject({ user_id: bodyIdSchema });

export const memberResponseSchema = z.object({
  user: z.object({ id: z.number(), username: z.string(), nickname: z.string().nullable(), avatar_url: avatarUrlSchema }),
  role: z.enum(CLUB_ROLES),
  status: z.enum(['active', 'banned']),
  joined_at: z.string(),
});
export type MemberResponse = z.infer<typeof memberResponseSchema>;

export const memberListQuerySchema = z.object({
  status: z.enum(['active', 'banned']).default('active'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: rawText(512).optional(),
});
