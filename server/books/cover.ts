// Book covers: an image the book's creator uploaded, shown to anyone signed in.
import type { Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { sendStoredImage } from '../uploads/images-in-use.js';
import type { BlobStore } from '../uploads/store.js';

export async function sendCover(db: Kysely<Database>, blobs: BlobStore, bookId: number, res: Response): Promise<void> {
  const book = await db.selectFrom('books').select('cover_file_id').where('id', '=', bookId).executeTakeFirst();
  if (!book) throw new AppError('not_found', 'Book not found');
  await sendStoredImage(db, blobs, book.cover_file_id, res, 'book cover');
}
