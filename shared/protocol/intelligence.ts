// Meeting intelligence over REST: transcripts, summaries with citations, participation, the
// per-member inbox and club memory search.
import { z } from 'zod';
import { pageQuerySchema, rawText } from './common.js';

export const transcriptSegmentSchema = z.object({
  id: z.number().int(),
  meeting_id: z.number().int(),
  speaker_id: z.number().int().nullable(),
  speaker_name: z.string().nullable(),
  start_ms: z.number().int(),
  end_ms: z.number().int(),
  text: z.string(),
  confidence: z.number().nullable(),
  engine: z.string(),
  language: z.string().nullable(),
});
export type TranscriptSegmentResponse = z.infer<typeof transcriptSegmentSchema>;

/** `?limit=&cursor=`, in the order things were said. */
export const transcriptQuerySchema = pageQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export type TranscriptQuery = z.infer<typeof transcriptQuerySchema>;

/** Where a summary item came from: a transcript segment, or a paragraph of the minutes. */
export const citationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('segment'),
    segment_id: z.number().int(),
    speaker_id: z.number().int().nullable(),
    speaker_name: z.string().nullable(),
    start_ms: z.number().int(),
    end_ms: z.number().int(),
    /** The cited words, verbatim from the segment's text. */
    quote: z.string(),
  }),
  z.object({
    kind: z.literal('paragraph'),
    /** The notes document, `meeting.<id>`. */
    doc: z.string(),
    /** Position among the document's paragraphs (shared/notes-schema readParagraphs). */
    paragraph: z.number().int().nonnegative(),
    quote: z.string(),
  }),
]);
export type Citation = z.infer<typeof citationSchema>;

/** An item from an earlier meeting of the club that spoke of the same thing. */
export const relatedItemSchema = z.object({
  meeting_id: z.number().int(),
  meeting_title: z.string(),
  /** When that meeting took place (ISO 8601), for "discussed before on …". */
  date: z.string().nullable(),
  snippet: z.string(),
  start_ms: z.number().int().nullable(),
  link: z.string(),
});
export type RelatedItem = z.infer<typeof relatedItemSchema>;

export const personRefSchema = z.object({ user_id: z.number().int(), name: z.string() });

export const summaryItemSchema = z.object({
  text: z.string(),
  citations: z.array(citationSchema).min(1),
  related: z.array(relatedItemSchema),
});
export type SummaryItem = z.infer<typeof summaryItemSchema>;

export const actionItemSchema = summaryItemSchema.extend({
  /** Who takes it on; null when the group as a whole does. */
  who: personRefSchema.nullable(),
  what: z.string(),
  /** The deadline as said ("Friday", "다음 주 금요일"); null when none was given. */
  by_when: z.string().nullable(),
});
export type ActionItem = z.infer<typeof actionItemSchema>;

export const summaryContentSchema = z.object({
  meeting_id: z.number().int(),
  generated_at: z.string(),
  /** The languages seen in the material ('en', 'ko'). */
  languages: z.array(z.string()),
  key_points: z.array(summaryItemSchema),
  decisions: z.array(summaryItemSchema),
  open_questions: z.array(summaryItemSchema),
  action_items: z.array(actionItemSchema),
});
export type SummaryContent = z.infer<typeof summaryContentSchema>;

export const summaryResponseSchema = z.object({
  meeting_id: z.number().int(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  job_id: z.number().int().nullable(),
  error: z.string().nullable(),
  updated_at: z.string(),
  summary: summaryContentSchema.nullable(),
});
export type SummaryResponse = z.infer<typeof summaryResponseSchema>;

export const participationSchema = z.object({
  meeting_id: z.number().int(),
  total_talk_ms: z.number().int(),
  members: z.array(
    z.object({
      user_id: z.number().int(),
      name: z.string(),
      talk_ms: z.number().int(),
      turns: z.number().int(),
      longest_turn_ms: z.number().int(),
      /** talk_ms / total_talk_ms, 0 to 1. */
      share: z.number(),
    }),
  ),
});
export type Participation = z.infer<typeof participationSchema>;

export const inboxItemSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  club_id: z.number().int().nullable(),
  meeting_id: z.number().int().nullable(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  read_at: z.string().nullable(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const searchKinds = ['transcript', 'minutes', 'chat', 'post'] as const;
export type SearchKind = (typeof searchKinds)[number];

export const searchQuerySchema = z.object({
  q: rawText(200).refine((q) => q.trim().length > 0, { error: 'must not be empty' }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  /** Only these kinds, comma-separated. */
  kinds: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return [...searchKinds];
      const kinds = value.split(',');
      for (const kind of kinds) if (!(searchKinds as readonly string[]).includes(kind)) ctx.addIssue({ code: 'custom', message: `unknown kind ${kind}` });
      return kinds as SearchKind[];
    }),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchHitSchema = z.object({
  kind: z.enum(searchKinds),
  score: z.number(),
  snippet: z.string(),
  meeting_id: z.number().int().nullable(),
  meeting_title: z.string().nullable(),
  /** Milliseconds into the meeting, for transcript hits. */
  start_ms: z.number().int().nullable(),
  author_id: z.number().int().nullable(),
  created_at: z.string().nullable(),
  link: z.string(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = z.object({ engine: z.enum(['bm25', 'embedding']), items: z.array(searchHitSchema) });
export type SearchResponse = z.infer<typeof searchResponseSchema>;
