// /api/me/files (a user's uploads and generated files) and /api/files/:id (the bytes, with
// range requests; the owner may read them, and so may the members of a club an image project
// is shared with, for that project's images and thumbnails, while the project's owner is still
// an active member of that club).
import { Router, type RequestHandler } from 'express';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { CLUB_ROLES, can } from '../../shared/permissions.js';
import { uuidParamSchema } from '../../shared/protocol/projects.js';
import { authOf } from '../http/authenticate.js';
import { cursorPart, decodeCursor, encodeCursor, exactTime } from '../http/pagination.js';
import type { BlobStore } from './store.js';

const PAGE = 100;

/** The club projects that show this file (as an image or its thumbnail) to the user. */
function sharedWith(eb: ExpressionBuilder<Database, 'files'>, userId: number) {
  return eb
    .selectFrom('project_images')
    .innerJoin('files as image', 'image.id', 'project_images.file_id')
    .innerJoin('projects', 'projects.id', 'project_images.project_id')
    .innerJoin('memberships', 'memberships.club_id', 'projects.club_id')
    // An owner who left or was banned no longer shows anything through the club.
    .innerJoin('memberships as owner', (join) => join.onRef('owner.club_id', '=', 'projects.club_id').onRef('owner.user_id', '=', 'projects.owner_id').on('owner.status', '=', 'active'))
    .select('project_images.id')
    .where((w) => w.or([w('image.id', '=', w.ref('files.id')), w('image.thumbnail_id', '=', w.ref('files.id'))]))
    .where('memberships.user_id', '=', userId)
    .where('memberships.status', '=', 'active')
    .where('memberships.role', 'in', CLUB_ROLES.filter((role) => can(role, 'project.read')));
}

export function fileRoutes(db: Kysely<Database>, blobs: BlobStore, requireAuth: RequestHandler): Router {
  const router = Router();

  router.get('/me/files', requireAuth, async (req, res) => {
    const limit = Math.min(PAGE, Math.max(1, Number(req.query.limit) || PAGE));
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    let query = db
      .selectFrom('files')
      .select(['id', 'name', 'description', 'kind', 'content_type', 'size', 'width', 'height', 'thumbnail_id', 'created_at'])
      .select(exactTime('created_at').as('created_key'))
      .where('owner_id', '=', authOf(res).userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    const after = decodeCursor(cursor, [cursorPart.time, uuidParamSchema]);
    if (after) {
      // The exact microseconds: an image and its thumbnail share one now().
      const [time, fileId] = after;
      query = query.where(sql<boolean>`(created_at, id) < (${time}::timestamptz, ${fileId}::uuid)`);
    }
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    res.json({
      items: page.map((f) => ({
        id: f.id,
        name: f.name,
        description: f.description,
        kind: f.kind,
        content_type: f.content_type,
        size: Number(f.size),
        width: f.width,
        height: f.height,
        url: `/api/files/${f.id}`,
        thumbnail_url: f.thumbnail_id ? `/api/files/${f.thumbnail_id}` : null,
        created_at: f.created_at.toISOString(),
      })),
      next_cursor: rows.length > limit && last ? encodeCursor([last.created_key, last.id]) : null,
    });
  });

  router.get('/files/:id', requireAuth, async (req, res, next) => {
    const fileId = uuidParamSchema.safeParse(req.params.id);
    const userId = authOf(res).userId;
    const file = fileId.success
      ? await db
          .selectFrom('files')
          .select(['sha256', 'content_type', 'name'])
          .where('id', '=', fileId.data)
          .where((eb) => eb.or([eb('owner_id', '=', userId), eb.exists(sharedWith(eb, userId))]))
          .executeTakeFirst()
      : undefined;
    // Someone else's file answers exactly like a missing one.
    if (!file) throw new AppError('not_found', 'File not found');
    res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.sendFile(blobs.pathOf(file.sha256), { headers: { 'Content-Type': file.content_type }, cacheControl: false, acceptRanges: true, lastModified: false }, (err) => {
      if (err && !res.headersSent) next(new AppError('not_found', 'File content is missing'));
    });
  });

  return router;
}
