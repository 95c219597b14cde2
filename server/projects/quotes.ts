// Chosen OCR lines of a page go into a notes document (a club notebook or a meeting's minutes)
// as a quote with its book and page; the club's readers are told the document changed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { appendBlocks, readMeta, text, type Block } from '../../shared/notes-schema.js';
import { notesChangedEventSchema, numberedDoc } from '../../shared/protocol/notes.js';
import type { QuoteBody, QuoteResponse } from '../../shared/protocol/projects.js';
import type { ClubEventPublisher } from '../features.js';
import type { NotesClubLookup } from '../notes/club-authorizer.js';
import type { DocumentRegistry } from '../notes/documents.js';
import type { NotesAuthorizer } from '../notes/server.js';
import type { ProjectService } from './service.js';

/** Marks the server's own edits, so nothing mistakes them for a client's. */
const QUOTE_ORIGIN = Symbol('quote');

export interface QuoteDeps {
  db: Kysely<Database>;
  projects: ProjectService;
  documents: DocumentRegistry;
  authorize: NotesAuthorizer;
  /** The club a document belongs to: its readers hear of the quote. */
  clubOf: NotesClubLookup;
  events: ClubEventPublisher;
}

function quoteBlocks(lines: string[], source: string): Block[] {
  const content = lines.flatMap((line, i) => (i === 0 ? [text(line)] : [{ break: true as const }, text(line)]));
  return [{ type: 'blockquote', content: [{ type: 'paragraph', content }] }, { type: 'paragraph', content: [text(`— ${source}`, { em: true })] }];
}

export class QuoteService {
  constructor(private readonly deps: QuoteDeps) {}

  async quote(userId: number, projectId: number, imageId: number, body: QuoteBody): Promise<QuoteResponse> {
    const [result] = await this.deps.projects.results(userId, projectId, imageId);
    if (!result) throw new AppError('not_found', 'No result for that image yet');
    const missing = body.lines.filter((i) => i >= result.lines.length);
    if (missing.length > 0) {
      throw new AppError('validation_failed', `Invalid request: lines: the page has ${result.lines.length} lines`, missing.map((i) => ({ path: `lines.${body.lines.indexOf(i)}`, message: `no line ${i} on this page` })));
    }
    if ((await this.deps.authorize(userId, body.doc)) !== 'write') throw new AppError('forbidden', 'You may not write in this document');

    const book = body.book_id ? await this.book(body.book_id) : undefined;
    if (body.book_id && !book) throw new AppError('validation_failed', 'Invalid request: book_id: no such book', [{ path: 'book_id', message: 'no such book' }]);
    const live = await this.deps.documents.open(body.doc);
    // Without a book, the project's name (people name it after the book and chapter), never the
    // image's stored name, which is only its id and type.
    const title = book?.title ?? readMeta(live.doc).book?.title ?? (await this.projectName(projectId));
    const source = [title, body.page ? `p. ${body.page}` : null].filter(Boolean).join(', ');
    const quoted = body.lines.map((i) => result.lines[i]?.text ?? '');
    live.doc.transact(() => appendBlocks(live.doc, quoteBlocks(quoted, source)), QUOTE_ORIGIN);
    // Stored before it is told: a page that reloads on the news may ask a node that reads the
    // document from the database, which would otherwise not have the quote yet (group commit).
    await this.deps.documents.stored();
    await this.announce(userId, body.doc);
    return { doc: body.doc, text: quoted.join('\n'), source };
  }

  /**
   * Editors see the quote through the document itself; pages that only show the notes' text
   * (the club's Notebook tab) hear of it as a club event, through the bus (so on every node).
   */
  private async announce(userId: number, doc: string): Promise<void> {
    const named = numberedDoc(doc);
    const clubId = named ? await this.deps.clubOf(named.kind, named.id) : null;
    if (clubId === null) return;
    await this.deps.events.publish(clubId, userId, notesChangedEventSchema.parse({ type: 'notes.changed', doc, change: 'quote_added' }));
  }

  private async projectName(projectId: number): Promise<string> {
    const row = await this.deps.db.selectFrom('projects').select('name').where('id', '=', projectId).executeTakeFirst();
    return row?.name ?? '';
  }

  private book(bookId: number) {
    return this.deps.db.selectFrom('books').select(['id', 'title', 'author']).where('id', '=', bookId).executeTakeFirst();
  }
}
