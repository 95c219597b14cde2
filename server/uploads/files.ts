// A user's files: their own uploads and generated files, listed newest first, and the files
// they may download. Besides their own, that is the images (and thumbnails) of the projects
// they may see, by the one project rule in server/clubs/access.ts.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { uuidParamSchema, type FileListQuery, type FileResponse } from '../../shared/protocol/projects.js';
import type { Page } from '../../shared/protocol/common.js';
import { visibleProjectIds } from '../clubs/access.js';
import { cursorPart, decodeCursor, encodeCursor, exactTime } from '../http/pagination.js';

export interface ReadableFile {
  sha256: string;
  content_type: string;
  name: string;
}

export class FileService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(ownerId: number, { limit, cursor }: FileListQuery): Promise<Page<FileResponse>> {
    let query = this.db
      .selectFrom('files')
      .select(['id', 'name', 'description', 'kind', 'content_type', 'size', 'width', 'height', 'thumbnail_id', 'created_at'])
      .select(exactTime('created_at').as('created_key'))
      .where('owner_id', '=', ownerId)
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
    return {
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
    };
  }

  /** The file if this user may read it; someone else's file is as missing as a missing one. */
  async readable(userId: number, fileId: string): Promise<ReadableFile | undefined> {
    return this.db
      .selectFrom('files')
      .select(['sha256', 'content_type', 'name'])
      .where('id', '=', fileId)
      .where((eb) =>
        eb.or([
          eb('owner_id', '=', userId),
          eb.exists(
            eb
              .selectFrom('project_images')
              .innerJoin('files as image', 'image.id', 'project_images.file_id')
              .select('project_images.id')
              .where((w) => w.or([w('image.id', '=', w.ref('files.id')), w('image.thumbnail_id', '=', w.ref('files.id'))]))
              .where('project_images.project_id', 'in', visibleProjectIds(this.db, userId)),
          ),
        ]),
      )
      .executeTakeFirst();
  }
}
