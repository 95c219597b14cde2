// What meeting intelligence needs of the notes documents, over the registry's public API: read
// a copy, or change the live document (the change is stored, relayed and sent to every editor
// like anyone's edit).
import type * as Y from 'yjs';
import type { DocumentRegistry } from '../notes/documents.js';

export interface NotesAccess {
  /** A copy of the document's current state; the caller destroys it. */
  read(name: string): Promise<Y.Doc>;
  edit(name: string, change: (doc: Y.Doc) => void): Promise<void>;
}

/** Marks server-side intelligence edits (summary, carried questions, cleared transcript). */
export const INTELLIGENCE_ORIGIN = Symbol('meeting-intelligence');

export function notesAccess(documents: DocumentRegistry): NotesAccess {
  return {
    read: (name) => documents.read(name),
    async edit(name, change) {
      const live = await documents.open(name);
      const doc = live.doc;
      doc.transact(() => change(doc), INTELLIGENCE_ORIGIN);
    },
  };
}
