// /api/models and /api/projects (the seed API's paths; trailing slashes accepted).
import { Router, type RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { idParamSchema, projectCreateSchema, projectUpdateSchema } from '../../shared/protocol/projects.js';
import { authOf } from '../http/authenticate.js';
import { parse } from '../http/validate.js';
import type { ModelRegistry } from '../inference/registry.js';
import { discardParts, readMultipart, type MultipartLimits, type UploadedPart } from '../uploads/multipart.js';
import type { UploadSlots } from '../uploads/slots.js';
import type { ProjectService } from './service.js';

function id(value: unknown, what: string): number {
  const parsed = idParamSchema.safeParse(value);
  if (!parsed.success) throw new AppError('not_found', `${what} not found`);
  return parsed.data;
}

export interface UploadDeps {
  limits: MultipartLimits;
  /** Bounds the uploads one user has in progress. */
  slots: UploadSlots;
}

export function projectRoutes(projects: ProjectService, models: ModelRegistry, requireAuth: RequestHandler, uploads: UploadDeps): Router {
  const router = Router();

  router.get('/models', requireAuth, (_req, res) => {
    res.json(models.list());
  });

  router.get('/projects', requireAuth, async (_req, res) => {
    res.json(await projects.list(authOf(res).userId));
  });

  router.post('/projects', requireAuth, async (req, res) => {
    res.status(201).json(await projects.create(authOf(res).userId, parse(projectCreateSchema, req.body)));
  });

  router.get('/projects/:id', requireAuth, async (req, res) => {
    res.json(await projects.get(authOf(res).userId, id(req.params.id, 'Project')));
  });

  router.patch('/projects/:id', requireAuth, async (req, res) => {
    res.json(await projects.update(authOf(res).userId, id(req.params.id, 'Project'), parse(projectUpdateSchema, req.body)));
  });

  router.delete('/projects/:id', requireAuth, async (req, res) => {
    await projects.remove(authOf(res).userId, id(req.params.id, 'Project'));
    res.status(204).end();
  });

  router.post('/projects/:id/images', requireAuth, async (req, res) => {
    const userId = authOf(res).userId;
    const projectId = id(req.params.id, 'Project');
    await projects.assertOwned(userId, projectId); // 404 before reading a body nobody may send here
    const release = uploads.slots.take(userId);
    let parts: UploadedPart[] = [];
    let result;
    try {
      parts = await readMultipart(req, uploads.limits);
      result = await projects.addImages(userId, projectId, parts);
    } finally {
      // The slot is held until the last image is checked and stored, not only while the body
      // arrives; temp files are gone before the answer.
      await discardParts(parts);
      release();
    }
    res.status(result.data.length > 0 ? 201 : 400).json(result);
  });

  router.get('/projects/:id/images', requireAuth, async (req, res) => {
    const userId = authOf(res).userId;
    const projectId = id(req.params.id, 'Project');
    res.json((await projects.get(userId, projectId)).images);
  });

  router.get('/projects/:id/images/:imageId', requireAuth, async (req, res) => {
    res.json(await projects.image(authOf(res).userId, id(req.params.id, 'Project'), id(req.params.imageId, 'Image')));
  });

  router.delete('/projects/:id/images/:imageId', requireAuth, async (req, res) => {
    await projects.removeImage(authOf(res).userId, id(req.params.id, 'Project'), id(req.params.imageId, 'Image'));
    res.status(204).end();
  });

  router.post('/projects/:id/start', requireAuth, async (req, res) => {
    res.status(202).json(await projects.start(authOf(res).userId, id(req.params.id, 'Project'), false));
  });

  router.post('/projects/:id/start_rest', requireAuth, async (req, res) => {
    res.status(202).json(await projects.start(authOf(res).userId, id(req.params.id, 'Project'), true));
  });

  router.get('/projects/:id/results', requireAuth, async (req, res) => {
    res.json(await projects.results(authOf(res).userId, id(req.params.id, 'Project')));
  });

  router.get('/projects/:id/results/:imageId', requireAuth, async (req, res) => {
    const [result] = await projects.results(authOf(res).userId, id(req.params.id, 'Project'), id(req.params.imageId, 'Image'));
    if (!result) throw new AppError('not_found', 'No result for that image yet');
    res.json(result);
  });

  return router;
}
