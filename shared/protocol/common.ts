// Shapes every part of the API shares: ids, text, pagination, dates.
import { z } from 'zod';

/** Postgres text cannot hold U+0000: refused here, with the field's path, not by the database. */
export function withoutNul<S extends z.ZodString>(schema: S): S {
  return schema.refine((value) => !value.includes('\u0000'), { error: 'must not contain a NUL character', params: { rule: 'no_nul' } });
}

/** Client text kept as sent (passwords, cursors): at most `max` characters, no NUL. */
export function rawText(max: number) {
  return withoutNul(z.string().max(max));
}

/** Client text, trimmed: at most `max` characters (at least `min`), no NUL. */
export function text(max: number, min = 0) {
  const trimmed = z.string().trim();
  return withoutNul((min > 0 ? trimmed.min(min) : trimmed).max(max));
}

export const idSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);
/** An id inside a JSON body: a number already, within int4 like every serial id. */
export const bodyIdSchema = z.number().int().positive().max(2 ** 31 - 1);

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** `?limit=&cursor=`: cursors are opaque strings the server handed out. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  cursor: rawText(512).optional(),
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
  .refine(isRealDate, { error: 'is not a real date', params: { rule: 'real_date' } });

const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const AFTER_LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1;

/**
 * An instant: ISO 8601 with an offset or Z, in years 0001 to 9999 once taken to UTC. An offset
 * can carry 9999-12-31 into year 10000, which PGlite cannot read back and cursors cannot hold.
 */
export const instantSchema = z.iso
  .datetime({ offset: true, abort: true })
  .refine((at) => !at.startsWith('0000'), { error: 'year 0000 does not exist', abort: true })
  .refine(
    (at) => {
      const ms = Date.parse(at);
      return ms >= FIRST_INSTANT && ms < AFTER_LAST_INSTANT;
    },
    { error: 'must fall between the years 0001 and 9999 (UTC)', abort: true },
  );

export const okSchema = z.object({ ok: z.literal(true) });
