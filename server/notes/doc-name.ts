// Notes document names. A name is `<kind>.<key>`; for the kinds that name a database row
// (`club.<id>`, `meeting.<id>`) the key is the id written the one way Postgres would print it,
// so no other spelling (`club.004`, `club.+4`) can open a second document under the same
// authorization. Every edge (WebSocket upgrade, tickets, versions, exports) parses with this.

/** The shape alone; parseDocName also refuses non-canonical ids. */
export const DOC_SHAPE = /^([a-z]+)\.([A-Za-z0-9_-]{1,64})$/;
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;
const INT4_MAX = 2 ** 31 - 1;

export type NumberedKind = 'club' | 'meeting';
const NUMBERED: ReadonlySet<string> = new Set<NumberedKind>(['club', 'meeting']);

/** The name itself when it is a canonical document name, else null. */
export function parseDocName(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const match = DOC_SHAPE.exec(raw);
  if (!match) return null;
  const [, kind = '', key = ''] = match;
  if (NUMBERED.has(kind) && !(CANONICAL_ID.test(key) && Number(key) <= INT4_MAX)) return null;
  return raw;
}

/** `club.<id>` or `meeting.<id>` as kind and id; null for any other (or non-canonical) name. */
export function numberedDoc(name: string): { kind: NumberedKind; id: number } | null {
  if (parseDocName(name) === null) return null;
  const [kind = '', key = ''] = name.split('.');
  return NUMBERED.has(kind) ? { kind: kind as NumberedKind, id: Number(key) } : null;
}
