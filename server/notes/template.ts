// A new meeting's minutes start from a template: the reading assignment (book and chapters of
// the meeting), the club's standing agenda and the questions its notebook (`club.<id>`) still
// has open. The registry calls this only for a document with nothing stored, and stores the
// result with a uniqueness guard, so two nodes loading at once cannot both add it.
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { Database } from '../../db/types.js';
import {
  NOTES_SCHEMA_VERSION,
  addQuestions,
  appendBlocks,
  bulletList,
  heading,
  paragraph,
  readAgenda,
  readQuestions,
  setMeta,
  text,
  type Block,
  type BookRef,
  type Inline,
  type Question,
} from '../../shared/notes-schema.js';
import { numberedDoc } from './doc-name.js';
import type { DocumentReader, DocumentSeeder } from './documents.js';

export interface MeetingTemplateInput {
  meeting: { id: number; club_id: number; title: string; description: string; chapters: string | null };
  book: BookRef | null;
  agenda: string[];
  openQuestions: Question[];
  createdAt: Date;
}

function readingLine(book: BookRef | null, chapters: string | null): Inline[] {
  if (!book) return [text(chapters ? `Chapters ${chapters}` : 'No reading assigned.')];
  return [text(book.title, { em: true }), text(` by ${book.author}`), ...(chapters ? [text(`, chapters ${chapters}`)] : [])];
}

/** The template's blocks: pure, so it can be shown or tested without a database. */
export function meetingTemplateBlocks(input: MeetingTemplateInput): Block[] {
  const description = input.meeting.description
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => paragraph(text(p)));
  return [
    ...description,
    heading(2, text('Reading')),
    paragraph(...readingLine(input.book, input.meeting.chapters)),
    heading(2, text('Agenda')),
    bulletList((input.agenda.length > 0 ? input.agenda : ['']).map((item) => [paragraph(...(item ? [text(item)] : []))])),
    heading(2, text('Notes')),
    paragraph(),
  ];
}

/** Writes the whole template into an empty document, in one transaction. */
export function buildMeetingTemplate(doc: Y.Doc, input: MeetingTemplateInput): void {
  doc.transact(() => {
    setMeta(doc, {
      title: input.meeting.title,
      club_id: input.meeting.club_id,
      meeting_id: input.meeting.id,
      book: input.book,
      chapters: input.meeting.chapters,
      created_at: input.createdAt.toISOString(),
      schema: NOTES_SCHEMA_VERSION,
    });
    appendBlocks(doc, meetingTemplateBlocks(input));
    addQuestions(doc, input.openQuestions);
  });
}

/** The template update for `meeting.<id>`, or null for any other document or a missing meeting. */
export async function seedMeetingDocument(db: Kysely<Database>, docName: string, readDocument: DocumentReader): Promise<Uint8Array | null> {
  const named = numberedDoc(docName);
  if (named?.kind !== 'meeting') return null;
  const { id } = named;
  const meeting = await db.selectFrom('meetings').select(['id', 'club_id', 'title', 'description', 'book_id', 'chapters']).where('id', '=', id).executeTakeFirst();
  if (!meeting) return null;
  const book = meeting.book_id === null ? undefined : await db.selectFrom('books').select(['id', 'title', 'author']).where('id', '=', meeting.book_id).executeTakeFirst();
  const notebookName = `club.${meeting.club_id}`;
  const notebook = await readDocument(notebookName);
  let agenda: string[];
  let openQuestions: Question[];
  try {
    agenda = readAgenda(notebook);
    openQuestions = readQuestions(notebook)
      .filter((q) => q.status === 'open')
      .map((q) => ({ ...q, source: notebookName }));
  } finally {
    notebook.destroy();
  }
  const doc = new Y.Doc();
  try {
    buildMeetingTemplate(doc, { meeting, book: book ?? null, agenda, openQuestions, createdAt: new Date() });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

export function meetingTemplateSeeder(db: Kysely<Database>): DocumentSeeder {
  return (name, read) => seedMeetingDocument(db, name, read);
}
