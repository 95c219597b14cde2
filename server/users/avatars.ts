// Profile pictures: one per user, a files row owned by them (so it counts where their files
// count and goes with their account) that users.avatar_file_id points to. Replacing or
// removing one deletes the old row, then its blob once no row needs it.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { putBlobsForRows, removeUnreferencedBlobs } from '../uploads/blob-refs.js';
import type { UploadedPart } from '../uploads/multipart.js';
import type { BlobStore } from '../uploads/store.js';
import { avatarFrom, type AvatarLimits } from './avatar-image.js';

export interface StoredAvatar {
  sha256: string;
  /** The `v` of the current address. */
  version: string;
}

export class AvatarService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly limits: AvatarLimits,
  ) {}

  /** Makes `part` the user's picture (refused with an AppError that says why). */
  async set(userId: number, part: UploadedPart): Promise<void> {
    const data = await avatarFrom(part, this.limits);
    const fileId = randomUUID();
    const previous = await this.db.transaction().execute(async (trx) => {
      // The user's row lock orders parallel uploads: each sees the picture the one before it left.
      const user = await trx.selectFrom('users').select('avatar_file_id').where('id', '=', userId).forUpdate().executeTakeFirst();
      if (!user) throw new AppError('not_found', 'User not found');
      const [sha256] = await putBlobsForRows(trx, this.blobs, [data]);
      await trx
        .insertInto('files')
        .values({ id: fileId, owner_id: userId, sha256, size: data.length, content_type: 'image/webp', name: 'avatar.webp', kind: 'generated', width: this.limits.size, height: this.limits.size, thumbnail_id: null })
        .execute();
      await trx.updateTable('users').set({ avatar_file_id: fileId, updated_at: new Date() }).where('id', '=', userId).execute();
      return user.avatar_file_id ? this.deleteFile(trx, user.avatar_file_id) : null;
    });
    if (previous) await removeUnreferencedBlobs(this.db, this.blobs, [previous]);
  }

  /** Removes the user's picture; without one, nothing happens. */
  async remove(userId: number): Promise<void> {
    const previous = await this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('avatar_file_id').where('id', '=', userId).forUpdate().executeTakeFirst();
      if (!user?.avatar_file_id) return null;
      await trx.updateTable('users').set({ avatar_file_id: null, updated_at: new Date() }).where('id', '=', userId).execute();
      return this.deleteFile(trx, user.avatar_file_id);
    });
    if (previous) await removeUnreferencedBlobs(this.db, this.blobs, [previous]);
  }

  /** An active user's current picture, or a 404 (no picture and no such user look alike). */
  async current(userId: number): Promise<StoredAvatar> {
    const row = await this.db
      .selectFrom('users')
      .innerJoin('files', 'files.id', 'users.avatar_file_id')
      .select('files.sha256')
      .where('users.id', '=', userId)
      .where('users.is_active', '=', true)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No profile picture');
    return { sha256: row.sha256, version: row.sha256.slice(0, 16) };
  }

  /** Deletes a picture's file row and answers its digest (its blob is removed after the commit). */
  private async deleteFile(trx: Kysely<Database>, fileId: string): Promise<string | null> {
    const row = await trx.deleteFrom('files').where('id', '=', fileId).returning('sha256').executeTakeFirst();
    return row?.sha256 ?? null;
  }

  /** Where a picture's bytes are (for sending them). */
  pathOf(sha256: string): string {
    return this.blobs.pathOf(sha256);
  }
}
