// Shapes every part of the API shares: ids, pagination, dates.
import { z } from 'zod';

export const idSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);
/** An id inside a JSON body: a number already, within int4 like every serial id. */
export const bodyIdSchema = z.number().int().positive().max(2 ** 31 - 1);

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** `?limit=&cursor=`: cursors are opaque strings the server handed out. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

function isRealDate(value: string): boolean {
  // Postgres has no year 0; JS would take it as 1 BC.
  if (value.startsWith('0000')) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** A calendar date, 'YYYY-MM-DD', years 0001 to 9999. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date like 2026-04-23', abort: true })
  .refine(isRealDate, { error: 'is not a real date' });

/** An instant: ISO 8601 with an offset or Z. */
export const instantSchema = z.iso.datetime({ offset: true }).refine((at) => !at.startsWith('0000'), { error: 'year 0000 does not exist' });

export const okSchema = z.object({ ok: z.literal(true) });
