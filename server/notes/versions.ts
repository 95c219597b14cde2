// Named versions and exports of notes documents, over REST:
//   POST /collab/:docName/versions {name}              writers: saves the current state
//   GET  /collab/:docName/versions?limit=&cursor=      readers: newest first, paged
//   GET  /collab/:docName/versions/:versionId?format=  readers: json (default), md, txt, yjs
//   GET  /collab/:docName/export?format=md|txt         readers: the current state
// The same authorizer as the WebSocket decides; the current state is read from memory when
// the document is loaded on this node, else from the database.
import { Router, type RequestHandler, type Response } from 'express';
import { sql, type Kysely } from 'kysely';
import * as Y from 'yjs';
import { z } from 'zod';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { readQuestions, readTranscript } from '../../shared/notes-schema.js';
import { idSchema, pageQuerySchema } from '../../shared/protocol/common.js';
import { authOf } from '../http/authenticate.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { parse } from '../http/validate.js';
import type { NotesAccess } from './connection.js';
import { parseDocName } from './doc-name.js';
import type { DocumentRegistry } from './documents.js';
import { exportNotes, type ExportFormat } from './export.js';

export interface NotesVersionsDeps {
  db: Kysely<Database>;
  documents: DocumentRegistry;
  authorize: (userId: number, docName: string) => Promise<NotesAccess | null>;
  /** Named versions a document may keep (each is a full copy). */
  maxVersions: number;
}

/** Users looked up per query: far below Postgres' 65,535 bind parameters. */
const NAME_BATCH = 1000;

const versionBody = z.strictObject({ name: z.string().trim().min(1, { error: 'must not be empty' }).max(100) });
const exportQuery = z.object({ format: z.enum(['md', 'txt']).default('md') });
const versionQuery = z.object({ format: z.enum(['json', 'md', 'txt', 'yjs']).default('json') });

const CONTENT_TYPES: Record<ExportFormat, string> = { md: 'text/markdown; charset=utf-8', txt: 'text/plain; charset=utf-8' };

interface VersionRow {
  id: number;
  doc: string;
  name: string;
  created_by: number | null;
  created_at: Date;
  bytes: number;
}

const versionJson = (row: VersionRow) => ({ ...row, created_at: row.created_at.toISOString() });

export function notesVersionRoutes(deps: NotesVersionsDeps, requireAuth: RequestHandler): Router {
  const router = Router();

  /** The document name from the path, once the caller is allowed `need` on it. */
  async function allowed(docName: string | string[] | undefined, res: Response, need: NotesAccess): Promise<string> {
    const name = parseDocName(docName);
    if (name === null) throw new AppError('not_found', 'No such document');
    const access = await deps.authorize(authOf(res).userId, name);
    if (!access) throw new AppError('forbidden', 'You may not open this document');
    if (need === 'write' && access !== 'write') throw new AppError('forbidden', 'Saving versions needs write access to the notes');
    return name;
  }

  /** Names to show for speakers and askers. */
  async function namesIn(doc: Y.Doc): Promise<(id: number | null) => string> {
    const ids = [...new Set([...readTranscript(doc).map((s) => s.speaker_id), ...readQuestions(doc).map((q) => q.asked_by)])].filter(
      (id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0 && id < 2 ** 31,
    );
    const names = new Map<number, string>();
    for (let i = 0; i < ids.length; i += NAME_BATCH) {
      const rows = await deps.db.selectFrom('users').select(['id', 'username', 'nickname']).where('id', 'in', ids.slice(i, i + NAME_BATCH)).execute();
      for (const r of rows) names.set(r.id, r.nickname || r.username);
    }
    return (id) => (id === null ? 'Unknown speaker' : (names.get(id) ?? `Member ${id}`));
  }

  async function sendExport(res: Response, doc: Y.Doc, format: ExportFormat, filename: string): Promise<void> {
    const body = exportNotes(doc, format, await namesIn(doc));
    res.setHeader('Content-Disposition', `inline; filename="${filename}.${format}"`);
    res.type(CONTENT_TYPES[format]).send(body);
  }

  router.post('/collab/:docName/versions', requireAuth, async (req, res) => {
    const docName = await allowed(req.params.docName, res, 'write');
    const { name } = parse(versionBody, req.body);
    const doc = await deps.documents.read(docName);
    let state: Uint8Array;
    try {
      state = Y.encodeStateAsUpdate(doc);
    } finally {
      doc.destroy();
    }
    const row = await deps.db.transaction().execute(async (trx) => {
      // One saver per document at a time, so two at once cannot both take the last place.
      await sql`select pg_advisory_xact_lock(hashtext(${`notes_versions:${docName}`}))`.execute(trx);
      const { n } = await trx.selectFrom('notes_versions').select((eb) => eb.fn.countAll<string>().as('n')).where('doc', '=', docName).executeTakeFirstOrThrow();
      if (Number(n) >= deps.maxVersions) return null;
      return trx
        .insertInto('notes_versions')
        .values({ doc: docName, name, state: Buffer.from(state.buffer, state.byteOffset, state.byteLength), created_by: authOf(res).userId })
        .returning(['id', 'doc', 'name', 'created_by', 'created_at'])
        .executeTakeFirstOrThrow();
    });
    if (!row) throw new AppError('conflict', `This document already has ${deps.maxVersions} named versions, the most it may keep`, { max_versions: deps.maxVersions });
    res.status(201).json(versionJson({ ...row, bytes: state.byteLength }));
  });

  router.get('/collab/:docName/versions', requireAuth, async (req, res) => {
    const docName = await allowed(req.params.docName, res, 'read');
    const query = parse(pageQuerySchema, req.query);
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    let q = deps.db
      .selectFrom('notes_versions')
      .select((eb) => ['id', 'doc', 'name', 'created_by', 'created_at', eb.fn<number>('length', ['state']).as('bytes')])
      .where('doc', '=', docName);
    if (after) q = q.where('id', '<', after[0]);
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    res.json(pageOf(rows, query.limit, (r) => [r.id], (r) => versionJson({ ...r, bytes: Number(r.bytes) })));
  });

  router.get('/collab/:docName/versions/:versionId', requireAuth, async (req, res) => {
    const docName = await allowed(req.params.docName, res, 'read');
    const id = idSchema.safeParse(req.params.versionId);
    const { format } = parse(versionQuery, req.query);
    const row = id.success
      ? await deps.db.selectFrom('notes_versions').select(['id', 'doc', 'name', 'created_by', 'created_at', 'state']).where('id', '=', id.data).where('doc', '=', docName).executeTakeFirst()
      : undefined;
    if (!row) throw new AppError('not_found', 'No such version');
    if (format === 'json') {
      const { state, ...rest } = row;
      res.json(versionJson({ ...rest, bytes: state.length }));
      return;
    }
    if (format === 'yjs') {
      res.type('application/octet-stream').send(Buffer.from(row.state));
      return;
    }
    const doc = new Y.Doc();
    try {
      Y.applyUpdate(doc, row.state);
      await sendExport(res, doc, format, `${docName}-v${row.id}`);
    } finally {
      doc.destroy();
    }
  });

  router.get('/collab/:docName/export', requireAuth, async (req, res) => {
    const docName = await allowed(req.params.docName, res, 'read');
    const { format } = parse(exportQuery, req.query);
    const doc = await deps.documents.read(docName);
    try {
      await sendExport(res, doc, format, docName);
    } finally {
      doc.destroy();
    }
  });

  return router;
}
