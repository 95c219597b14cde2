// Uploaded images used by other records (club covers, book covers, meeting thumbnails): the
// check that one is the caller's own image, and the response that serves its bytes.
import type { Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { BlobStore } from './store.js';

/** A record may point only at one of the caller's own uploaded images, never someone else's file. */
export async function assertOwnImage(db: Kysely<Database> | Transaction<Database>, fileId: string | null | undefined, userId: number, field: string): Promise<void> {
  if (!fileId) return;
  const file = await db.selectFrom('files').select('content_type').where('id', '=', fileId).where('owner_id', '=', userId).executeTakeFirst();
  if (!file || !file.content_type.startsWith('image/')) throw validationError([{ path: field, message: 'is not one of your uploaded images' }]);
}

/** Sends a stored image, or a 404 saying `what` is missing. The caller has checked access. */
export async function sendStoredImage(db: Kysely<Database>, blobs: BlobStore, fileId: string | null, res: Response, what: string): Promise<void> {
  const file = fileId ? await db.selectFrom('files').select(['sha256', 'content_type']).where('id', '=', fileId).executeTakeFirst() : undefined;
  if (!file) throw new AppError('not_found', `There is no ${what}`);
  // Uploaded bytes are never run as a page, whatever they claim to be.
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, max-age=300');
  await new Promise<void>((resolve, reject) =>
    res.sendFile(blobs.pathOf(file.sha256), { headers: { 'Content-Type': file.content_type }, cacheControl: false, lastModified: false }, (err) =>
      err && !res.headersSent ? reject(new AppError('not_found', `The ${what}'s content is missing`)) : resolve(),
    ),
  );
}
