// Finding clubs (search, recommendations) and when they meet: queries and responses.
import { z } from 'zod';
import { CLUB_KINDS, VISIBILITIES } from './clubs.js';

/** What anyone signed in may see of any club, public or private. */
export const clubCardSchema = z.object({
  id: z.number(),
  kind: z.enum(CLUB_KINDS),
  title: z.string(),
  summary: z.string(),
  keywords: z.array(z.string()),
  visibility: z.enum(VISIBILITIES),
  has_password: z.boolean(),
  member_count: z.number(),
  max_members: z.number(),
  seats_left: z.number(),
  like_count: z.number(),
  schedule: z
    .object({ weekdays: z.array(z.number()), start_time: z.string(), time_zone: z.string() })
    .nullable()
    .describe('null for clubs without a schedule and for private clubs'),
});
export type ClubCard = z.infer<typeof clubCardSchema>;

export const MAX_RECOMMENDATIONS = 50;

export const recommendationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_RECOMMENDATIONS).default(10),
});

export const recommendationSchema = clubCardSchema.extend({
  score: z.number().describe('Higher is a better fit; only comparable within one answer'),
  reasons: z.array(z.string()).describe('Why the club was picked, strongest first'),
});
export type Recommendation = z.infer<typeof recommendationSchema>;

export const recommendationListSchema = z.object({ items: z.array(recommendationSchema) });

export const MAX_OCCURRENCES = 50;

export const occurrenceQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(MAX_OCCURRENCES).default(5),
});

export const occurrenceSchema = z.object({ starts_at: z.string(), ends_at: z.string() });
export const occurrenceListSchema = z.object({ items: z.array(occurrenceSchema) });
