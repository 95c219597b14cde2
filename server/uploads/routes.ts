// /api/me/files (a user's uploads and generated files) and /api/files/:id (the bytes, with
// range requests, for whoever may read the file: see FileService.readable).
import { fileListQuerySchema, fileResponseSchema, uuidParamSchema } from '../../shared/protocol/projects.js';
import { pageSchema } from '../../shared/protocol/common.js';
import { AppError } from '../../shared/errors.js';
import { Api, type ApiDeps } from '../http/api.js';
import type { FileService } from './files.js';
import type { BlobStore } from './store.js';

export function fileRoutes(deps: ApiDeps, files: FileService, blobs: BlobStore): Api {
  const api = new Api(deps, '/api', 'Files');

  api.authed('get', '/me/files', { access: 'self', summary: 'Your files (uploads, thumbnails, generated), newest first', query: fileListQuerySchema, response: pageSchema(fileResponseSchema) }, ({ userId, query }) =>
    files.list(userId, query),
  );

  api.authed(
    'get',
    '/files/:id',
    { access: 'project', summary: "A file's bytes: your own, or an image (or thumbnail) of a project you may see", params: { id: uuidParamSchema }, produces: '*/*', ranged: true },
    async ({ userId, param, res }) => {
      const file = await files.readable(userId, param('id', 'File'));
      // Someone else's file answers exactly like a missing one.
      if (!file) throw new AppError('not_found', 'File not found');
      res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=3600');
      await new Promise<void>((resolve, reject) =>
        res.sendFile(blobs.pathOf(file.sha256), { headers: { 'Content-Type': file.content_type }, cacheControl: false, acceptRanges: true, lastModified: false }, (err) =>
          err && !res.headersSent ? reject(new AppError('not_found', 'File content is missing')) : resolve(),
        ),
      );
    },
  );

  return api;
}
