// Book covers: an image the book's creator uploaded, shown to anyone signed in.
import type { Response } from 'express';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { BlobStore } from '../uploads/store.js';

/** A cover must be one of the caller's own uploaded images, never someone else's file. */
export async function assertOwnImage(db: Kysely<Database> | Transaction<Database>, fileId: string | null | undefined, userId: number): Promise<void> {
  if (!fileId) return;
  const file = await db.selectFrom('files').select(['content_type']).where('id', '=', fileId).where('owner_id', '=', userId).executeTakeFirst();
  if (!file || !file.content_type.startsWith('image/')) {
    throw new AppError('validation_failed', 'Invalid request: cover_file_id: is not one of your uploaded images', [
      { path: 'cover_file_id', message: 'is not one of your uploaded images' },
    ]);
  }
}

export async function sendCover(db: Kysely<Database>, blobs: BlobStore, bookId: number, res: Response): Promise<void> {
  const file = await db
    .selectFrom('books')
    .innerJoin('files', 'files.id', 'books.cover_file_id')
    .select(['files.sha256', 'files.content_type'])
    .where('books.id', '=', bookId)
    .executeTakeFirst();
  if (!file) throw new AppError('not_found', 'This book has no cover');
  // Uploaded bytes are never run as a page, whatever they claim to be.
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, max-age=300');
  await new Promise<void>((resolve, reject) =>
    res.sendFile(blobs.pathOf(file.sha256), { headers: { 'Content-Type': file.content_type }, cacheControl: false, lastModified: false }, (err) =>
      err && !res.headersSent ? reject(new AppError('not_found', 'Cover content is missing')) : resolve(),
    ),
  );
}
