import { z } from 'zod';
import { readingStreakSchema, type ReadingStreak } from './books.js';

const MAX_INTERESTS = 30;

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export const birthDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 1990-04-23' })
  .refine(isRealDate, { error: 'is not a real date', params: { rule: 'real_date' } })
  .refine((v) => v >= '1900-01-01' && new Date(`${v}T00:00:00Z`) <= new Date(), { error: 'must be in the past', params: { rule: 'birth_date_past' } });

export const profileUpdateSchema = z.strictObject({
  first_name: z.string().trim().max(150).optional(),
  last_name: z.string().trim().max(150).optional(),
  nickname: z.string().trim().min(1).max(50).nullable().optional(),
  bio: z.string().trim().max(2000).nullable().optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{5,24}$/, { error: 'must be a phone number' })
    .nullable()
    .optional(),
  birth_date: birthDateSchema.nullable().optional(),
  interests: z
    .array(z.string().trim().toLowerCase().min(1).max(40))
    .max(MAX_INTERESTS, { error: `at most ${MAX_INTERESTS} interests` })
    .transform((list) => [...new Set(list)])
    .optional(),
  transcription_opt_out: z.boolean().optional(),
});
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

export const userIdParamSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);

export interface MeResponse {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  nickname: string | null;
  bio: string | null;
  phone: string | null;
  birth_date: string | null;
  interests: string[];
  email_verified: boolean;
  /** Own profile only: the member's audio is never tapped for meeting transcription. */
  transcription_opt_out: boolean;
  created_at: string;
  reading_streak: ReadingStreak;
  /** The profile picture, versioned by its content (`?v=`), or null without one. */
  avatar_url: string | null;
}

export interface PublicProfile {
  id: number;
  username: string;
  first_name: string;
  nickname: string | null;
  bio: string | null;
  interests: string[];
  created_at: string;
  reading_streak: ReadingStreak;
  /** The profile picture, versioned by its content (`?v=`), or null without one. */
  avatar_url: string | null;
}

/** A person's picture wherever they are shown (profiles, members, authors, knocks). */
export const avatarUrlSchema = z.string().nullable().describe('the profile picture, versioned by its content (?v=), or null without one');

/** The shapes above for the API document. */
export const publicProfileSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  first_name: z.string(),
  nickname: z.string().nullable(),
  bio: z.string().nullable(),
  interests: z.array(z.string()),
  created_at: z.string(),
  reading_streak: readingStreakSchema,
  avatar_url: avatarUrlSchema,
}) satisfies z.ZodType<PublicProfile>;

export const meResponseSchema = publicProfileSchema.extend({
  email: z.string(),
  last_name: z.string(),
  phone: z.string().nullable(),
  birth_date: z.string().nullable(),
  email_verified: z.boolean(),
  transcription_opt_out: z.boolean(),
}) satisfies z.ZodType<MeResponse>;

/** The multipart field a profile picture is sent under (POST /api/me/avatar). */
export const AVATAR_FIELD = 'avatar';

/**
 * Why a profile picture was refused, in `error.details.reason`: the error code says the kind
 * (415 unsupported_media_type, 413 payload_too_large), the reason says which limit.
 */
export const avatarRefusalSchema = z.object({
  reason: z.enum(['not_an_image', 'heic', 'too_many_bytes', 'too_many_pixels']),
  max_bytes: z.number().int().optional(),
  max_pixels: z.number().int().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
export type AvatarRefusal = z.infer<typeof avatarRefusalSchema>;

/** `?v=` on an avatar address: the version it names (any other version is still answered, just not cached long). */
export const avatarQuerySchema = z.object({ v: z.string().max(128).optional() });
