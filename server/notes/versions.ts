// Named versions and exports of notes documents, over REST:
//   POST /collab/:docName/versions {name}              writers: saves the current state
//   GET  /collab/:docName/versions?limit=&cursor=      readers: newest first, paged
//   GET  /collab/:docName/versions/:versionId?format=  readers: json (default), md, txt, yjs
//   GET  /collab/:docName/export?format=md|txt         readers: the current state
// The same authorizer as the WebSocket decides, before any input is read; the current state is
// read from memory when the document is loaded on this node, else from the database.
import type { Request, Response } from 'express';
import * as Y from 'yjs';
import { AppError } from '../../shared/errors.js';
import { readQuestions, readTranscript } from '../../shared/notes-schema.js';
import { idSchema, pageQuerySchema, pageSchema } from '../../shared/protocol/common.js';
import { docNameParamSchema, exportQuerySchema, parseDocName, versionCreateSchema, versionQuerySchema, versionResponseSchema } from '../../shared/protocol/notes.js';
import type { Api } from '../http/api.js';
import { authOf } from '../http/authenticate.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import type { NotesAccess } from './connection.js';
import type { DocumentRegistry } from './documents.js';
import { exportNotes, type ExportFormat } from './export.js';
import type { NotesVersionStore } from './version-store.js';

export interface NotesVersionsDeps {
  store: NotesVersionStore;
  documents: DocumentRegistry;
  authorize: (userId: number, docName: string) => Promise<NotesAccess | null>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = { md: 'text/markdown; charset=utf-8', txt: 'text/plain; charset=utf-8' };
const params = { docName: docNameParamSchema };

export function notesVersionRoutes(api: Api, deps: NotesVersionsDeps): void {
  // The document a request may use, worked out before its input is read (so a stranger learns
  // nothing from validation errors), then handed to the endpoint.
  const allowedDocs = new WeakMap<Request, string>();
  const allow = (need: NotesAccess) => async (req: Request, res: Response): Promise<void> => {
    const name = parseDocName(req.params.docName);
    if (name === null) throw new AppError('not_found', 'No such document');
    const access = await deps.authorize(authOf(res).userId, name);
    if (!access) throw new AppError('forbidden', 'You may not open this document');
    if (need === 'write' && access !== 'write') throw new AppError('forbidden', 'Saving versions needs write access to the notes');
    allowedDocs.set(req, name);
  };
  const docOf = (req: Request): string => {
    const name = allowedDocs.get(req);
    if (name === undefined) throw new Error('document access was not checked');
    return name;
  };

  /** Names to show for speakers and askers. */
  async function namesIn(doc: Y.Doc): Promise<(id: number | null) => string> {
    const ids = [...new Set([...readTranscript(doc).map((s) => s.speaker_id), ...readQuestions(doc).map((q) => q.asked_by)])].filter(
      (id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0 && id < 2 ** 31,
    );
    const names = await deps.store.names(ids);
    return (id) => (id === null ? 'Unknown speaker' : (names.get(id) ?? `Member ${id}`));
  }

  async function sendExport(res: Response, doc: Y.Doc, format: ExportFormat, filename: string): Promise<void> {
    const body = exportNotes(doc, format, await namesIn(doc));
    res.setHeader('Content-Disposition', `inline; filename="${filename}.${format}"`);
    res.type(CONTENT_TYPES[format]).send(body);
  }

  api.authed(
    'post',
    '/collab/:docName/versions',
    { access: { document: 'notes.write' }, summary: "Save the document's current state as a named version (needs write access)", params, before: allow('write'), body: versionCreateSchema, response: versionResponseSchema },
    async ({ req, body, userId }) => {
      const docName = docOf(req);
      const doc = await deps.documents.read(docName);
      let state: Uint8Array;
      try {
        state = Y.encodeStateAsUpdate(doc);
      } finally {
        doc.destroy();
      }
      const saved = await deps.store.save(docName, body.name, state, userId);
      const max = deps.store.maxVersions;
      if (!saved) throw new AppError('conflict', `This document already has ${max} named versions, the most it may keep`, { max_versions: max });
      return saved;
    },
  );

  api.authed(
    'get',
    '/collab/:docName/versions',
    { access: { document: 'notes.read' }, summary: "The document's named versions, newest first", params, before: allow('read'), query: pageQuerySchema, response: pageSchema(versionResponseSchema) },
    async ({ req, query }) => {
      const after = decodeCursor(query.cursor, [cursorPart.id]);
      const rows = await deps.store.list(docOf(req), query.limit, after?.[0]);
      return pageOf(rows, query.limit, (r) => [r.id], (r) => r);
    },
  );

  api.authed(
    'get',
    '/collab/:docName/versions/:versionId',
    {
      access: { document: 'notes.read' }, summary: 'One named version: its details (json), its text (md, txt) or its Yjs state (yjs)',
      params,
      before: allow('read'),
      query: versionQuerySchema,
      response: versionResponseSchema,
      produces: ['application/json', CONTENT_TYPES.md, CONTENT_TYPES.txt, 'application/octet-stream'],
    },
    async ({ req, res, query }) => {
      const docName = docOf(req);
      const versionId = idSchema.safeParse(req.params.versionId);
      const row = versionId.success ? await deps.store.get(docName, versionId.data) : undefined;
      if (!row) throw new AppError('not_found', 'No such version');
      const { state, ...rest } = row;
      if (query.format === 'json') return { ...rest, created_at: rest.created_at.toISOString(), bytes: state.length };
      if (query.format === 'yjs') {
        res.type('application/octet-stream').send(Buffer.from(state));
        return;
      }
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, state);
        await sendExport(res, doc, query.format, `${docName}-v${row.id}`);
      } finally {
        doc.destroy();
      }
    },
  );

  api.authed(
    'get',
    '/collab/:docName/export',
    { access: { document: 'notes.read' }, summary: "The document's current text as Markdown (default) or plain text", params, before: allow('read'), query: exportQuerySchema, produces: [CONTENT_TYPES.md, CONTENT_TYPES.txt] },
    async ({ req, res, query }) => {
      const docName = docOf(req);
      const doc = await deps.documents.read(docName);
      try {
        await sendExport(res, doc, query.format, docName);
      } finally {
        doc.destroy();
      }
    },
  );
}
