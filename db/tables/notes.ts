// Named versions of notes documents (the update log and snapshots are in db/types.ts).
import type { Generated } from 'kysely';
import type { CreatedAt } from './common.js';

export interface NotesVersionsTable {
  id: Generated<number>;
  /** The document name, e.g. `meeting.12`. */
  doc: string;
  name: string;
  /** Y.encodeStateAsUpdate of the document when the version was saved. */
  state: Uint8Array;
  /** null once the author's account is gone. */
  created_by: number | null;
  created_at: CreatedAt;
}

export interface NotesVersionTables {
  notes_versions: NotesVersionsTable;
}
