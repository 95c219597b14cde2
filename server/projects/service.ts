// Image projects: their rows, their images (stored through the blob store), and the jobs
// that process them. The owner changes a project; who else may see it, its images and its
// results is decided by projectVisibleTo (server/clubs/access.ts), the same rule file
// downloads use.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { maySeeClubProjects, projectVisibleTo, visibleProjectIds, type ClubAccessResolver } from '../clubs/access.js';
import type { ImageResponse, JobResponse, ProjectResponse, ResultResponse, UploadResponse } from '../../shared/protocol/projects.js';
import type { ModelRegistry } from '../inference/registry.js';
import { claimQuota } from '../uploads/quota.js';
import { putBlobsForRows, removeUnreferencedBlobs } from '../uploads/blob-refs.js';
import { badFileName, inspectImage, type AcceptedImage, type UploadLimits } from '../uploads/images.js';
import type { UploadedPart } from '../uploads/multipart.js';
import type { BlobStore } from '../uploads/store.js';
import type { JobRunner } from './jobs.js';

export const fileUrl = (id: string) => `/api/files/${id}`;

const notFound = () => new AppError('not_found', 'Project not found');

export interface ProjectSettings extends UploadLimits {
  quotaBytes: number;
  projectsPerUser: number;
  imagesPerProject: number;
}

/** First key of the advisory lock that serializes one owner's project creations. */
const PROJECTS_LOCK = 0x70726f6a; // 'proj'

type ImageRow = {
  id: number;
  project_id: number;
  name: string;
  old_name: string;
  created_at: Date;
  updated_at: Date;
  file_id: string;
  content_type: string;
  width: number | null;
  height: number | null;
  thumbnail_id: string | null;
  has_result: boolean;
};

function toImage(row: ImageRow): ImageResponse {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    old_name: row.old_name,
    type: row.content_type,
    has_result: row.has_result,
    image_url: fileUrl(row.file_id),
    thumbnail_url: row.thumbnail_id ? fileUrl(row.thumbnail_id) : null,
    width: row.width,
    height: row.height,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export class ProjectService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly models: ModelRegistry,
    private readonly jobs: JobRunner,
    private readonly clubs: ClubAccessResolver,
    private readonly settings: ProjectSettings,
  ) {}

  /** A project is shared only with a club whose projects its owner may see. */
  private async assertClubReadable(userId: number, clubId: number): Promise<void> {
    if (!(await maySeeClubProjects(this.clubs, clubId, userId))) {
      throw new AppError('validation_failed', 'Invalid request: club_id: is not a club you belong to', [{ path: 'club_id', message: 'is not a club you belong to' }]);
    }
  }

  /** Own projects and those shared with the user's clubs, newest first. */
  async list(userId: number): Promise<ProjectResponse[]> {
    const rows = await this.db
      .selectFrom('projects')
      .select('id')
      .where((eb) => projectVisibleTo(eb, userId))
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    return Promise.all(rows.map((r) => this.get(userId, r.id)));
  }

  async get(userId: number, projectId: number): Promise<ProjectResponse> {
    const project = await this.db
      .selectFrom('projects')
      .innerJoin('users', 'users.id', 'projects.owner_id')
      .selectAll('projects')
      .select('users.username as owner_username')
      .where('projects.id', '=', projectId)
      .where('projects.id', 'in', visibleProjectIds(this.db, userId))
      .executeTakeFirst();
    if (!project) throw notFound();
    const images = await this.images(projectId);
    return {
      id: project.id,
      name: project.name,
      description: project.description,
      ai_model_id: project.ai_model_id,
      owner_id: project.owner_id,
      owner_username: project.owner_username,
      club_id: project.club_id,
      status: project.status,
      images_nr: images.length,
      images,
      created_at: project.created_at.toISOString(),
      updated_at: project.updated_at.toISOString(),
    };
  }

  async create(ownerId: number, body: { name: string; description: string; ai_model_id: string; club_id: number | null }): Promise<ProjectResponse> {
    this.assertModel(body.ai_model_id);
    if (body.club_id !== null) await this.assertClubReadable(ownerId, body.club_id);
    const limit = this.settings.projectsPerUser;
    // Counted and inserted under one lock per owner, so parallel requests cannot all see room.
    const id = await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${PROJECTS_LOCK}::int4, ${ownerId}::int4)`.execute(trx);
      const { n } = await trx.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).where('owner_id', '=', ownerId).executeTakeFirstOrThrow();
      if (Number(n) >= limit) throw new AppError('conflict', `You have ${limit} projects, the most allowed; delete one first`, { limit });
      const row = await trx
        .insertInto('projects')
        .values({ owner_id: ownerId, name: body.name, description: body.description, ai_model_id: body.ai_model_id, club_id: body.club_id, updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return this.get(ownerId, id);
  }

  async update(ownerId: number, projectId: number, body: { name?: string; description?: string; ai_model_id?: string; club_id?: number | null }): Promise<ProjectResponse> {
    if (body.ai_model_id) this.assertModel(body.ai_model_id);
    await this.assertOwned(ownerId, projectId);
    if (body.club_id !== undefined && body.club_id !== null) await this.assertClubReadable(ownerId, body.club_id);
    const updated = await this.db
      .updateTable('projects')
      .set({ ...body, updated_at: new Date() })
      .where('id', '=', projectId)
      .where('owner_id', '=', ownerId)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound();
    return this.get(ownerId, projectId);
  }

  async remove(ownerId: number, projectId: number): Promise<void> {
    await this.assertOwned(ownerId, projectId);
    const images = await this.db.selectFrom('project_images').select('id').where('project_id', '=', projectId).execute();
    for (const image of images) await this.removeImage(ownerId, projectId, image.id);
    await this.db.deleteFrom('projects').where('id', '=', projectId).execute();
  }

  async images(projectId: number): Promise<ImageResponse[]> {
    const rows = await this.imageQuery().where('project_images.project_id', '=', projectId).orderBy('project_images.id').execute();
    return rows.map(toImage);
  }

  async image(userId: number, projectId: number, imageId: number): Promise<ImageResponse> {
    await this.assertVisible(userId, projectId);
    const row = await this.imageQuery().where('project_images.project_id', '=', projectId).where('project_images.id', '=', imageId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Image not found');
    return toImage(row);
  }

  /** Stores the good images of an upload and names the bad ones with their reason. */
  async addImages(ownerId: number, projectId: number, parts: UploadedPart[]): Promise<UploadResponse> {
    await this.assertOwned(ownerId, projectId);
    const stored: ImageResponse[] = [];
    const bad: Array<{ name: string; reason: string }> = [];
    for (const part of parts) {
      const shownName = part.name || '(unnamed)';
      if (part.field !== 'images') {
        bad.push({ name: shownName, reason: `unexpected field "${part.field}"; send files as "images"` });
        continue;
      }
      const nameProblem = badFileName(part.name);
      if (nameProblem) {
        bad.push({ name: shownName, reason: nameProblem });
        continue;
      }
      if (part.tooLarge) {
        bad.push({ name: shownName, reason: `file is larger than ${this.settings.maxBytes} bytes` });
        continue;
      }
      const inspection = await inspectImage(part.content, this.settings);
      if (!inspection.ok) {
        bad.push({ name: shownName, reason: inspection.reason });
        continue;
      }
      const outcome = await this.storeImage(ownerId, projectId, part.name, inspection.image);
      if (outcome === 'quota') bad.push({ name: shownName, reason: `storage quota of ${this.settings.quotaBytes} bytes would be exceeded` });
      else if (outcome === 'full') bad.push({ name: shownName, reason: `project already has ${this.settings.imagesPerProject} images, the most allowed` });
      else stored.push(outcome);
    }
    return {
      data: stored,
      error: bad.length > 0,
      error_msg: bad.length > 0 ? `${bad.length} of ${parts.length} files were not stored` : '',
      bad_images: bad,
    };
  }

  async removeImage(ownerId: number, projectId: number, imageId: number): Promise<void> {
    await this.assertOwned(ownerId, projectId);
    const row = await this.db
      .selectFrom('project_images')
      .innerJoin('files', 'files.id', 'project_images.file_id')
      .select(['project_images.id', 'files.id as file_id', 'files.thumbnail_id'])
      .where('project_images.id', '=', imageId)
      .where('project_images.project_id', '=', projectId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Image not found');
    const fileIds = [row.file_id, ...(row.thumbnail_id ? [row.thumbnail_id] : [])];
    const shas = await this.db.selectFrom('files').select('sha256').where('id', 'in', fileIds).execute();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('project_images').where('id', '=', imageId).execute();
      await trx.deleteFrom('files').where('id', 'in', fileIds).execute();
    });
    // A blob goes when no file row refers to it any more (identical uploads share one).
    await removeUnreferencedBlobs(this.db, this.blobs, shas.map((r) => r.sha256));
  }

  /** Queues a job over all images, or only those without a result (`onlyNew`). Answers at once. */
  async start(ownerId: number, projectId: number, onlyNew: boolean): Promise<JobResponse> {
    const project = await this.db.selectFrom('projects').select(['ai_model_id']).where('id', '=', projectId).where('owner_id', '=', ownerId).executeTakeFirst();
    if (!project) throw notFound();
    this.assertModel(project.ai_model_id);
    const job = await this.db.transaction().execute(async (trx) => {
      // The project's row lock makes "no open job" and the new job one step: of two parallel
      // starts, the second sees the first's job.
      const locked = await trx.selectFrom('projects').select('id').where('id', '=', projectId).where('owner_id', '=', ownerId).forUpdate().executeTakeFirst();
      if (!locked) throw notFound();
      const open = await trx.selectFrom('jobs').select('id').where('project_id', '=', projectId).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (open) throw new AppError('conflict', `Project is already being processed (job ${open.id})`);
      let query = trx.selectFrom('project_images').select('project_images.id').where('project_images.project_id', '=', projectId).orderBy('project_images.id');
      if (onlyNew) query = query.where((eb) => eb.not(eb.exists(eb.selectFrom('image_results').select('image_id').whereRef('image_results.image_id', '=', 'project_images.id'))));
      const imageIds = (await query.execute()).map((r) => r.id);
      const created = await trx
        .insertInto('jobs')
        .values({ kind: 'project.images', project_id: projectId, payload: JSON.stringify({ image_ids: imageIds, model_id: project.ai_model_id }), total: imageIds.length })
        .returning(['id', 'status', 'total'])
        .executeTakeFirstOrThrow();
      await trx.updateTable('projects').set({ status: 'RUNNING', updated_at: new Date() }).where('id', '=', projectId).execute();
      return created;
    });
    this.jobs.nudge();
    return { job_id: job.id, status: job.status, total: job.total };
  }

  async results(userId: number, projectId: number, imageId?: number): Promise<ResultResponse[]> {
    await this.assertVisible(userId, projectId);
    let query = this.db
      .selectFrom('image_results')
      .innerJoin('project_images', 'project_images.id', 'image_results.image_id')
      .innerJoin('files', 'files.id', 'project_images.file_id')
      .select(['image_results.image_id', 'project_images.name', 'image_results.model_id', 'image_results.orientation', 'image_results.text', 'image_results.lines', 'image_results.ms', 'image_results.created_at', 'files.thumbnail_id'])
      .where('project_images.project_id', '=', projectId)
      .orderBy('image_results.image_id');
    if (imageId !== undefined) query = query.where('image_results.image_id', '=', imageId);
    const rows = await query.execute();
    return rows.map((r) => ({
      image_id: r.image_id,
      name: r.name,
      model_id: r.model_id,
      orientation: r.orientation,
      text: r.text,
      lines: r.lines as ResultResponse['lines'],
      thumbnail_url: r.thumbnail_id ? fileUrl(r.thumbnail_id) : null,
      ms: r.ms,
      created_at: r.created_at.toISOString(),
    }));
  }

  private imageQuery() {
    return this.db
      .selectFrom('project_images')
      .innerJoin('files', 'files.id', 'project_images.file_id')
      .select([
        'project_images.id',
        'project_images.project_id',
        'project_images.name',
        'project_images.old_name',
        'project_images.created_at',
        'project_images.updated_at',
        'files.id as file_id',
        'files.content_type',
        'files.width',
        'files.height',
        'files.thumbnail_id',
        sql<boolean>`exists (select 1 from image_results r where r.image_id = project_images.id)`.as('has_result'),
      ]);
  }

  /**
   * Stores one accepted image, or says why not: the owner's quota ('quota') or the project's
   * image limit ('full'). Both are checked under the owner's quota lock in the transaction
   * that inserts the rows (only the owner adds images to a project), and before any blob is
   * written, so a refused image leaves nothing behind.
   */
  private async storeImage(ownerId: number, projectId: number, originalName: string, image: AcceptedImage): Promise<ImageResponse | 'quota' | 'full'> {
    const [fileId, thumbId] = [randomUUID(), randomUUID()];
    const id = await this.db.transaction().execute(async (trx) => {
      if (!(await claimQuota(trx, ownerId, image.data.length + image.thumbnail.length, this.settings.quotaBytes))) return 'quota' as const;
      const { n } = await trx.selectFrom('project_images').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
      if (Number(n) >= this.settings.imagesPerProject) return 'full' as const;
      const [imageSha, thumbSha] = await putBlobsForRows(trx, this.blobs, [image.data, image.thumbnail]);
      await trx
        .insertInto('files')
        .values({ id: thumbId, owner_id: ownerId, sha256: thumbSha, size: image.thumbnail.length, content_type: 'image/webp', name: `thumbnail of ${originalName}`, kind: 'thumbnail', width: image.thumbnailWidth, height: image.thumbnailHeight, thumbnail_id: null })
        .execute();
      await trx
        .insertInto('files')
        .values({ id: fileId, owner_id: ownerId, sha256: imageSha, size: image.data.length, content_type: image.type, name: originalName, kind: 'upload', width: image.width, height: image.height, thumbnail_id: thumbId })
        .execute();
      const row = await trx.insertInto('project_images').values({ project_id: projectId, file_id: fileId, name: 'pending', old_name: originalName, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
      // The stored name is ours: the image's id and its real type, never the client's name.
      await trx.updateTable('project_images').set({ name: `${row.id}.${image.extension}` }).where('id', '=', row.id).execute();
      return row.id;
    });
    if (typeof id === 'string') return id;
    const row = await this.imageQuery().where('project_images.id', '=', id).executeTakeFirstOrThrow();
    return toImage(row);
  }

  private async assertVisible(userId: number, projectId: number): Promise<void> {
    const project = await this.db.selectFrom('projects').select('id').where('id', '=', projectId).where((eb) => projectVisibleTo(eb, userId)).executeTakeFirst();
    if (!project) throw notFound();
  }

  async assertOwned(ownerId: number, projectId: number): Promise<void> {
    const row = await this.db.selectFrom('projects').select('id').where('id', '=', projectId).where('owner_id', '=', ownerId).executeTakeFirst();
    if (!row) throw notFound();
  }

  private assertModel(modelId: string): void {
    if (!this.models.has(modelId)) {
      throw new AppError('validation_failed', `Invalid request: ai_model_id: unknown model "${modelId}"`, [{ path: 'ai_model_id', message: 'unknown model; see GET /api/models' }]);
    }
  }
}
