// Books, reading lists, reading logs and reading days: REST bodies, queries and responses.
import { z } from 'zod';
import { dateSchema, idSchema, rawText, text } from './common.js';

export const MAX_READING_LIST = 200;
export const MAX_MINUTES_PER_DAY = 1440;
export const FIRST_READING_DAY = '2000-01-01';

/** "Nothing to change" only when the body has no other problem (e.g. only unknown fields). */
function onlyIfValid(payload: { issues: unknown[] }): boolean {
  return payload.issues.length === 0;
}

/** An id in a JSON body: a number, not a numeric string. */
const refIdSchema = z.number().int().positive().max(2 ** 31 - 1);

// Calendar days (UTC)

/** 'YYYY-MM-DD' of an instant, in UTC. */
export function utcDay(at: Date = new Date()): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}

/** A day ahead of UTC is still "today" somewhere east of Greenwich. */
function notFuture(day: string): boolean {
  return day <= addDays(utcDay(), 1);
}

// ISBN

function isbn13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

function isbn10Valid(isbn: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = isbn[i] as string;
    sum += (ch === 'X' ? 10 : Number(ch)) * (10 - i);
  }
  return sum % 11 === 0;
}

/** An ISBN-10 or ISBN-13 (hyphens and spaces allowed) as a bare ISBN-13, or why it is not one. */
export function normalizeIsbn(raw: string): { isbn: string } | { problem: string } {
  const compact = raw.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{9}[\dX]$/.test(compact)) {
    if (!isbn10Valid(compact)) return { problem: 'has a wrong check digit' };
    const first12 = `978${compact.slice(0, 9)}`;
    return { isbn: `${first12}${isbn13CheckDigit(first12)}` };
  }
  if (/^97[89]\d{10}$/.test(compact)) {
    if (isbn13CheckDigit(compact.slice(0, 12)) !== Number(compact[12])) return { problem: 'has a wrong check digit' };
    return { isbn: compact };
  }
  return { problem: 'must be an ISBN-10 or ISBN-13' };
}

export const isbnSchema = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const result = normalizeIsbn(raw);
    if ('problem' in result) {
      ctx.addIssue({ code: 'custom', message: result.problem, input: raw });
      return z.NEVER;
    }
    return result.isbn;
  });

// The catalogue

const bookFields = {
  title: text(300, 1),
  author: text(200, 1),
  cover_file_id: z.uuid().nullable(),
  published_at: dateSchema.nullable(),
  category: text(100, 1).nullable(),
  isbn: isbnSchema.nullable(),
};

export const bookCreateSchema = z.strictObject({
  title: bookFields.title,
  author: bookFields.author,
  cover_file_id: bookFields.cover_file_id.optional(),
  published_at: bookFields.published_at.optional(),
  category: bookFields.category.optional(),
  isbn: bookFields.isbn.optional(),
});
export type BookCreate = z.infer<typeof bookCreateSchema>;

export const bookUpdateSchema = z
  .strictObject({
    title: bookFields.title.optional(),
    author: bookFields.author.optional(),
    cover_file_id: bookFields.cover_file_id.optional(),
    published_at: bookFields.published_at.optional(),
    category: bookFields.category.optional(),
    isbn: bookFields.isbn.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change', when: onlyIfValid });
export type BookUpdate = z.infer<typeof bookUpdateSchema>;

export const bookSearchQuerySchema = z.object({
  q: text(200).optional().describe('words to find in title, author or category; each matches as a prefix'),
  category: text(100).optional().describe('exact category, any case'),
  author: text(200).optional().describe('part of the author name, any case'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: rawText(512).optional(),
});
export type BookSearchQuery = z.infer<typeof bookSearchQuerySchema>;

const userRef = z.object({ id: z.number(), username: z.string() });

export const bookResponseSchema = z.object({
  id: z.number(),
  title: z.string(),
  author: z.string(),
  cover_url: z.string().nullable(),
  published_at: z.string().nullable(),
  category: z.string().nullable(),
  isbn: z.string().nullable().describe('ISBN-13, digits only'),
  created_by: userRef.nullable(),
  rating: z.number().nullable().describe("average of readers' ratings (1–5), null when nobody rated it"),
  rating_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BookResponse = z.infer<typeof bookResponseSchema>;

// A club's reading list

const readingListFields = {
  chapters: text(100, 1).nullable(),
  pages: text(100, 1).nullable(),
  target_date: dateSchema.nullable(),
};

export const readingListItemCreateSchema = z.strictObject({
  book_id: refIdSchema,
  chapters: readingListFields.chapters.optional(),
  pages: readingListFields.pages.optional(),
  target_date: readingListFields.target_date.optional(),
});
export type ReadingListItemCreate = z.infer<typeof readingListItemCreateSchema>;

export const readingListItemUpdateSchema = z
  .strictObject({
    chapters: readingListFields.chapters.optional(),
    pages: readingListFields.pages.optional(),
    target_date: readingListFields.target_date.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change', when: onlyIfValid });
export type ReadingListItemUpdate = z.infer<typeof readingListItemUpdateSchema>;

export const readingListOrderSchema = z.strictObject({
  ids: z
    .array(refIdSchema)
    .max(MAX_READING_LIST)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'lists an item twice' })
    .describe('every item id of the reading list, in the new order'),
});

export const readingListItemResponseSchema = z.object({
  id: z.number(),
  club_id: z.number(),
  position: z.number(),
  chapters: z.string().nullable(),
  pages: z.string().nullable(),
  target_date: z.string().nullable(),
  added_by: userRef.nullable(),
  created_at: z.string(),
  book: bookResponseSchema,
});
export type ReadingListItemResponse = z.infer<typeof readingListItemResponseSchema>;

// Reading logs

const readingDate = dateSchema.refine((d) => d >= '1900-01-01' && notFuture(d), { error: 'must be between 1900 and today', params: { rule: 'reading_date' } });

const readingLogFields = {
  club_id: refIdSchema.nullable(),
  started_at: readingDate.nullable(),
  finished_at: readingDate.nullable(),
  progress: z.number().int().min(0).max(100),
  rating: z.number().int().min(1).max(5).nullable(),
  review: text(5000).nullable(),
};

function finishedAfterStart(log: { started_at?: string | null; finished_at?: string | null }, ctx: z.RefinementCtx): void {
  if (log.started_at && log.finished_at && log.finished_at < log.started_at) {
    ctx.addIssue({ code: 'custom', path: ['finished_at'], message: 'is before started_at', params: { rule: 'finished_before_start' } });
  }
}

export const readingLogCreateSchema = z
  .strictObject({
    book_id: refIdSchema,
    club_id: readingLogFields.club_id.optional(),
    started_at: readingLogFields.started_at.optional(),
    finished_at: readingLogFields.finished_at.optional(),
    progress: readingLogFields.progress.optional(),
    rating: readingLogFields.rating.optional(),
    review: readingLogFields.review.optional(),
  })
  .superRefine(finishedAfterStart);
export type ReadingLogCreate = z.infer<typeof readingLogCreateSchema>;

export const readingLogUpdateSchema = z
  .strictObject({
    club_id: readingLogFields.club_id.optional(),
    started_at: readingLogFields.started_at.optional(),
    finished_at: readingLogFields.finished_at.optional(),
    progress: readingLogFields.progress.optional(),
    rating: readingLogFields.rating.optional(),
    review: readingLogFields.review.optional(),
  })
  .superRefine(finishedAfterStart)
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change', when: onlyIfValid });
export type ReadingLogUpdate = z.infer<typeof readingLogUpdateSchema>;

export const readingLogResponseSchema = z.object({
  id: z.number(),
  book: bookResponseSchema,
  club_id: z.number().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  progress: z.number(),
  rating: z.number().nullable(),
  review: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ReadingLogResponse = z.infer<typeof readingLogResponseSchema>;

export const clubReadingLogQuerySchema = z.object({
  book_id: idSchema.optional().describe('only this book of the reading list'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: rawText(512).optional(),
});
export type ClubReadingLogQuery = z.infer<typeof clubReadingLogQuerySchema>;

/** Where a member is in a book of the club's reading list (reviews stay with the reader). */
export const clubReadingLogResponseSchema = z.object({
  id: z.number(),
  user: z.object({ id: z.number(), username: z.string(), nickname: z.string().nullable() }),
  book_id: z.number(),
  reading_list_item_id: z.number(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  progress: z.number(),
  rating: z.number().nullable(),
  updated_at: z.string(),
});
export type ClubReadingLogResponse = z.infer<typeof clubReadingLogResponseSchema>;

// Reading days and streaks

export const readingDayCreateSchema = z.strictObject({
  day: dateSchema
    .refine((d) => d >= FIRST_READING_DAY, { error: `must be ${FIRST_READING_DAY} or later` })
    .refine(notFuture, { error: 'is in the future' })
    .optional()
    .describe('defaults to today (UTC); tomorrow is accepted for time zones ahead of UTC'),
  minutes: z.number().int().min(0).max(MAX_MINUTES_PER_DAY).default(0).describe('added to the minutes already recorded that day'),
});
export type ReadingDayCreate = z.infer<typeof readingDayCreateSchema>;

export const readingStreakSchema = z.object({
  current: z.number().describe('consecutive days ending today or yesterday (UTC)'),
  longest: z.number(),
  last_day: z.string().nullable(),
});
export type ReadingStreak = z.infer<typeof readingStreakSchema>;

export const readingDayResponseSchema = z.object({
  day: z.string(),
  minutes: z.number(),
  streak: readingStreakSchema,
});
export type ReadingDayResponse = z.infer<typeof readingDayResponseSchema>;
