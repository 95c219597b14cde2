// POST /api/projects/:id/results/:imageId/quote: chosen OCR lines of a page go into a notes
// document (a club notebook or a meeting's minutes) as a quote with its book and page.
import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { appendBlocks, readMeta, text, type Block } from '../../shared/notes-schema.js';
import { bodyIdSchema, rawText } from '../../shared/protocol/common.js';
import { idParamSchema } from '../../shared/protocol/projects.js';
import { authOf } from '../http/authenticate.js';
import { parse } from '../http/validate.js';
import type { DocumentRegistry } from '../notes/documents.js';
import { DOC_NAME, type NotesAuthorizer } from '../notes/server.js';
import type { ProjectService } from './service.js';

export const MAX_QUOTED_LINES = 100;

export const quoteSchema = z.strictObject({
  doc: z.string().regex(DOC_NAME, { error: 'must be a document name like club.7' }),
  /** Indexes into the result's `lines`, in the order they should appear. */
  lines: z.array(z.number().int().min(0)).min(1).max(MAX_QUOTED_LINES),
  book_id: bodyIdSchema.optional(),
  page: rawText(20).optional(),
});

/** Marks the server's own edits, so nothing mistakes them for a client's. */
const QUOTE_ORIGIN = Symbol('quote');

export interface QuoteDeps {
  db: Kysely<Database>;
  projects: ProjectService;
  documents: DocumentRegistry;
  authorize: NotesAuthorizer;
}

function quoteBlocks(lines: string[], source: string): Block[] {
  const content = lines.flatMap((line, i) => (i === 0 ? [text(line)] : [{ break: true as const }, text(line)]));
  return [{ type: 'blockquote', content: [{ type: 'paragraph', content }] }, { type: 'paragraph', content: [text(`— ${source}`, { em: true })] }];
}

export function quoteRoutes(deps: QuoteDeps, requireAuth: RequestHandler): Router {
  const router = Router();
  router.post('/projects/:id/results/:imageId/quote', requireAuth, async (req, res) => {
    const { userId } = authOf(res);
    const projectId = idParamSchema.safeParse(req.params.id);
    const imageId = idParamSchema.safeParse(req.params.imageId);
    if (!projectId.success || !imageId.success) throw new AppError('not_found', 'Project not found');
    const body = parse(quoteSchema, req.body);
    const [result] = await deps.projects.results(userId, projectId.data, imageId.data);
    if (!result) throw new AppError('not_found', 'No result for that image yet');
    const missing = body.lines.filter((i) => i >= result.lines.length);
    if (missing.length > 0) {
      throw new AppError('validation_failed', `Invalid request: lines: the page has ${result.lines.length} lines`, missing.map((i) => ({ path: `lines.${body.lines.indexOf(i)}`, message: `no line ${i} on this page` })));
    }
    if ((await deps.authorize(userId, body.doc)) !== 'write') throw new AppError('forbidden', 'You may not write in this document');

    const book = body.book_id
      ? await deps.db.selectFrom('books').select(['id', 'title', 'author']).where('id', '=', body.book_id).executeTakeFirst()
      : undefined;
    if (body.book_id && !book) throw new AppError('validation_failed', 'Invalid request: book_id: no such book', [{ path: 'book_id', message: 'no such book' }]);
    const live = await deps.documents.open(body.doc);
    const title = book?.title ?? readMeta(live.doc).book?.title ?? result.name;
    const source = [title, body.page ? `p. ${body.page}` : null].filter(Boolean).join(', ');
    const quoted = body.lines.map((i) => result.lines[i]?.text ?? '');
    live.doc.transact(() => appendBlocks(live.doc, quoteBlocks(quoted, source)), QUOTE_ORIGIN);
    res.status(201).json({ doc: body.doc, text: quoted.join('\n'), source });
  });
  return router;
}
