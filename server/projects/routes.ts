// /api/models and /api/projects (the seed API's paths; trailing slashes accepted).
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import {
  imageResponseSchema,
  jobResponseSchema,
  modelSummarySchema,
  projectCreateSchema,
  projectResponseSchema,
  projectUpdateSchema,
  quoteResponseSchema,
  quoteSchema,
  resultResponseSchema,
  uploadResponseSchema,
} from '../../shared/protocol/projects.js';
import { Api, type ApiDeps } from '../http/api.js';
import type { ModelRegistry } from '../inference/registry.js';
import { discardParts, type MultipartLimits, type UploadedPart } from '../uploads/multipart.js';
import type { UploadSlots } from '../uploads/slots.js';
import type { QuoteService } from './quotes.js';
import type { ProjectService } from './service.js';

export interface UploadDeps {
  limits: MultipartLimits;
  /** Bounds the uploads one user has in progress. */
  slots: UploadSlots;
}

export interface ProjectRouteDeps extends ApiDeps {
  projects: ProjectService;
  models: ModelRegistry;
  quotes: QuoteService;
  uploads: UploadDeps;
}

export function projectRoutes({ projects, models, quotes, uploads, ...deps }: ProjectRouteDeps): Api {
  const api = new Api(deps, '/api', 'Projects');
  const project = (id: (name: string, what?: string) => number) => id('id', 'Project');

  api.authed('get', '/models', { access: 'public', summary: 'The recognition models and whether each is ready', response: z.array(modelSummarySchema) }, () => models.list());

  api.authed('get', '/projects', { access: 'project', summary: 'Your projects and those shared with your clubs, newest first', response: z.array(projectResponseSchema) }, ({ userId }) => projects.list(userId));

  api.authed('post', '/projects', { access: 'self', summary: 'Create a project (club_id shares it with a club you belong to)', body: projectCreateSchema, response: projectResponseSchema }, ({ userId, body }) =>
    projects.create(userId, body),
  );

  api.authed('get', '/projects/:id', { access: 'project', summary: 'A project with its images', response: projectResponseSchema }, ({ userId, id }) => projects.get(userId, project(id)));

  api.authed('patch', '/projects/:id', { access: 'project', summary: 'Change your project', body: projectUpdateSchema, response: projectResponseSchema }, ({ userId, id, body }) =>
    projects.update(userId, project(id), body),
  );

  api.authed('delete', '/projects/:id', { access: 'project', summary: 'Delete your project, its images and results' }, async ({ userId, id }) => {
    await projects.remove(userId, project(id));
  });

  api.authed(
    'post',
    '/projects/:id/images',
    {
      access: 'project', summary: 'Upload images to your project: the good ones are stored, each bad one is named with its reason',
      multipart: { field: 'images', accepts: 'PNG, JPEG or WebP images', limits: uploads.limits },
      response: uploadResponseSchema,
      alsoAnswers: { 400: 'No file was stored: bad_images says why for each' },
      rateLimited: true,
    },
    async ({ userId, id, parts: readParts, status }) => {
      const projectId = project(id);
      await projects.assertOwned(userId, projectId); // 404 before reading a body nobody may send here
      const release = uploads.slots.take(userId);
      let parts: UploadedPart[] = [];
      try {
        parts = await readParts();
        const result = await projects.addImages(userId, projectId, parts);
        if (result.data.length === 0) status(400);
        return result;
      } finally {
        // The slot is held until the last image is checked and stored, not only while the body
        // arrives; temp files are gone before the answer.
        await discardParts(parts);
        release();
      }
    },
  );

  api.authed('get', '/projects/:id/images', { access: 'project', summary: "A project's images", response: z.array(imageResponseSchema) }, async ({ userId, id }) => (await projects.get(userId, project(id))).images);

  api.authed('get', '/projects/:id/images/:imageId', { access: 'project', summary: 'One image of a project', response: imageResponseSchema }, ({ userId, id }) =>
    projects.image(userId, project(id), id('imageId', 'Image')),
  );

  api.authed('delete', '/projects/:id/images/:imageId', { access: 'project', summary: 'Remove an image from your project' }, async ({ userId, id }) => {
    await projects.removeImage(userId, project(id), id('imageId', 'Image'));
  });

  api.authed('post', '/projects/:id/start', { access: 'project', summary: 'Recognise the text of every image (a job; answers at once)', response: jobResponseSchema, status: 202 }, ({ userId, id }) =>
    projects.start(userId, project(id), false),
  );

  api.authed('post', '/projects/:id/start_rest', { access: 'project', summary: 'Recognise the images that have no result yet', response: jobResponseSchema, status: 202 }, ({ userId, id }) =>
    projects.start(userId, project(id), true),
  );

  api.authed('get', '/projects/:id/results', { access: 'project', summary: "The recognised text of a project's images", response: z.array(resultResponseSchema) }, ({ userId, id }) =>
    projects.results(userId, project(id)),
  );

  api.authed('get', '/projects/:id/results/:imageId', { access: 'project', summary: 'The recognised text of one image', response: resultResponseSchema }, async ({ userId, id }) => {
    const [result] = await projects.results(userId, project(id), id('imageId', 'Image'));
    if (!result) throw new AppError('not_found', 'No result for that image yet');
    return result;
  });

  api.authed(
    'post',
    '/projects/:id/results/:imageId/quote',
    { access: 'project', summary: 'Put chosen lines of a result into a notes document as a quote (needs write access to the document)', body: quoteSchema, response: quoteResponseSchema },
    ({ userId, id, body }) => quotes.quote(userId, id('id', 'Project'), id('imageId', 'Project'), body),
  );

  return api;
}
