// Notes documents over REST: document names, tickets for the WebSocket, named versions and
// exports. A name is `<kind>.<key>`; for the kinds that name a database row (`club.<id>`,
// `meeting.<id>`) the key is the id written the one way Postgres would print it, so no other
// spelling (`club.004`, `club.+4`) can open a second document under the same authorization.
// Every edge (WebSocket upgrade, tickets, versions, exports, quotes) parses with this.
import { z } from 'zod';

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

/** A document name in a path (for the API document; the route answers 404 to a bad one). */
export const docNameParamSchema = z.string().regex(DOC_SHAPE);

/**
 * A club event: a notes document of the club changed outside its editors (a quote sent from a
 * page photo). It names the document and the kind of change only; readers fetch the text
 * themselves, so it goes to whoever may read the club's notes (notes.read), nobody else.
 */
export const notesChangedEventSchema = z.strictObject({
  type: z.literal('notes.changed'),
  doc: z.string().refine((doc) => numberedDoc(doc) !== null, { error: 'must be a club or meeting document name' }),
  change: z.enum(['quote_added']),
});
export type NotesChangedEvent = z.infer<typeof notesChangedEventSchema>;

export const ticketSchema = z.strictObject({ doc: z.string().refine((doc) => parseDocName(doc) !== null, { error: 'must be a document name like meeting.12' }) });
export const ticketResponseSchema = z.object({ ticket: z.string(), doc: z.string(), expires_in: z.number() });

export const versionCreateSchema = z.strictObject({ name: z.string().trim().min(1, { error: 'must not be empty' }).max(100) });
export const exportQuerySchema = z.object({ format: z.enum(['md', 'txt']).default('md') });
export const versionQuerySchema = z.object({ format: z.enum(['json', 'md', 'txt', 'yjs']).default('json') });

export const versionResponseSchema = z.object({
  id: z.number().int(),
  doc: z.string(),
  name: z.string(),
  created_by: z.number().int().nullable(),
  created_at: z.string(),
  /** Size of the saved state. */
  bytes: z.number().int(),
});
export type VersionResponse = z.infer<typeof versionResponseSchema>;
