// How a catalogue row becomes a BookResponse, for every endpoint that shows books.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import type { BookResponse } from '../../shared/protocol/books.js';

type Db = Kysely<Database> | Transaction<Database>;

export const BOOK_COLUMNS = [
  'books.id',
  'books.title',
  'books.author',
  'books.cover_file_id',
  'books.published_at',
  'books.category',
  'books.isbn',
  'books.created_by',
  'books.rating_sum',
  'books.rating_count',
  'books.created_at',
  'books.updated_at',
  'creator.username as creator_username',
] as const;

export interface BookRow {
  id: number;
  title: string;
  author: string;
  cover_file_id: string | null;
  published_at: string | null;
  category: string | null;
  isbn: string | null;
  created_by: number | null;
  rating_sum: number;
  rating_count: number;
  created_at: Date;
  updated_at: Date;
  creator_username: string | null;
}

/** Books with their creator's name; add filters and ordering as needed. */
export function bookQuery(db: Db) {
  return db.selectFrom('books').leftJoin('users as creator', 'creator.id', 'books.created_by').select(BOOK_COLUMNS);
}

/** The mean of the ratings, to two decimals. */
export function averageRating(sum: number, count: number): number | null {
  return count > 0 ? Math.round((sum / count) * 100) / 100 : null;
}

export function toBook(row: BookRow): BookResponse {
  return {
    id: row.id,
    title: row.title,
    author: row.author,
    cover_url: row.cover_file_id ? `/api/books/${row.id}/cover` : null,
    published_at: row.published_at,
    category: row.category,
    isbn: row.isbn,
    created_by: row.created_by !== null && row.creator_username !== null ? { id: row.created_by, username: row.creator_username } : null,
    rating: averageRating(row.rating_sum, row.rating_count),
    rating_count: row.rating_count,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Several books at once, for lists that refer to them (reading lists, logs). */
export async function booksById(db: Db, ids: number[]): Promise<Map<number, BookResponse>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await bookQuery(db).where('books.id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, toBook(row)]));
}

/** One book from a map built by booksById; the foreign keys guarantee it is there. */
export function bookFrom(books: Map<number, BookResponse>, id: number): BookResponse {
  const book = books.get(id);
  if (!book) throw new Error(`book ${id} vanished while being read`);
  return book;
}
