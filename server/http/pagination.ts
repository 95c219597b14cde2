// Keyset pagination: a cursor is the sort key of the last item handed out, base64url JSON.
// Opaque to clients; a tampered one is a 400, never a wrong page.
import { AppError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';

export type CursorKey = Array<string | number>;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, checked against the shape the list expects (`kinds`). */
export function decodeCursor(cursor: string | undefined, kinds: Array<'string' | 'number'>): CursorKey | null {
  if (cursor === undefined || cursor === '') return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const valid =
    Array.isArray(key) &&
    key.length === kinds.length &&
    key.every((value, i) => typeof value === kinds[i] && (typeof value !== 'number' || Number.isFinite(value)));
  if (!valid) throw new AppError('validation_failed', 'Invalid request: cursor: is not a cursor this list handed out', [{ path: 'cursor', message: 'is not a cursor this list handed out' }]);
  return key as CursorKey;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says whether there is more. */
export function pageOf<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => CursorKey, toItem: (row: Row) => Item): Page<Item> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { items: kept.map(toItem), next_cursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
