// Keyset pagination: a cursor is the sort key of the last item handed out, base64url JSON.
// Opaque to clients; a tampered one is a 400, never a wrong page and never a database error.
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { dateSchema, type Page } from '../../shared/protocol/common.js';

export type CursorKey = Array<string | number>;

const INT4_MAX = 2 ** 31 - 1;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function isExactTime(value: string): boolean {
  // Year 0000 does not exist in Postgres; the rest must be a real UTC instant.
  if (value.startsWith('0000')) return false;
  const date = new Date(value.replace(/(\.\d{3})\d*Z$/, '$1Z'));
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

/**
 * Schemas for the parts of a cursor's key. Each part must fit the column it is compared with,
 * so a tampered cursor fails here rather than in the database.
 */
export const cursorPart = {
  /** A serial id: idSchema's bounds, without its coercion (cursors hold JSON numbers). */
  id: z.number().int().positive().max(INT4_MAX),
  /** An int4 that may be zero or negative (positions). */
  int: z.number().int().min(-(2 ** 31)).max(INT4_MAX),
  /** A finite float (ranks). */
  number: z.number(),
  /** A calendar date, 'YYYY-MM-DD'. */
  date: dateSchema,
  /** A timestamptz to the microsecond, in UTC, as `exactTime` writes it. */
  time: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/)
    .refine(isExactTime),
} as const;

/**
 * A timestamptz column as text with all its microseconds: a JS Date keeps milliseconds only,
 * and a cursor rounded to them repeats or skips rows that share a millisecond.
 */
export function exactTime(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The legacy kinds check JS types only; new lists pass `cursorPart` schemas. */
type CursorSpec = z.ZodType<string | number> | 'string' | 'number';
type SpecValue<S> = S extends z.ZodType ? z.output<S> : S extends 'number' ? number : string;
export type DecodedKey<P extends readonly CursorSpec[]> = { -readonly [K in keyof P]: SpecValue<P[K]> };

const LEGACY = { string: z.string(), number: z.number() } as const;

function badCursor(): AppError {
  return new AppError('validation_failed', 'Invalid request: cursor: is not a cursor this list handed out', [{ path: 'cursor', message: 'is not a cursor this list handed out' }]);
}

/** The key inside a cursor, each part checked against the schema the list expects. */
export function decodeCursor<const P extends readonly CursorSpec[]>(cursor: string | undefined, parts: P): DecodedKey<P> | null {
  if (cursor === undefined || cursor === '') return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(key) || key.length !== parts.length) throw badCursor();
  const values = parts.map((part, i) => {
    const schema = typeof part === 'string' ? LEGACY[part] : part;
    const parsed = schema.safeParse(key[i]);
    if (!parsed.success) throw badCursor();
    return parsed.data;
  });
  return values as DecodedKey<P>;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says whether there is more. */
export function pageOf<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => CursorKey, toItem: (row: Row) => Item): Page<Item> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { items: kept.map(toItem), next_cursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
