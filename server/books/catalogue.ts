// The shared book catalogue: anyone signed in adds books and finds them; only a book's
// creator changes it. ISBNs are unique, so a second entry for the same edition points to the first.
import { sql, type Kysely } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { BookCreate, BookResponse, BookSearchQuery, BookUpdate } from '../../shared/protocol/books.js';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { bookQuery, toBook } from './book-view.js';
import { assertOwnImage } from '../uploads/images-in-use.js';
import { bookSearchDocument, prefixQuery } from './search.js';

export class BookCatalogue {
  constructor(private readonly db: Kysely<Database>) {}

  async get(bookId: number): Promise<BookResponse> {
    const row = await bookQuery(this.db).where('books.id', '=', bookId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Book not found');
    return toBook(row);
  }

  async create(userId: number, input: BookCreate): Promise<BookResponse> {
    await assertOwnImage(this.db, input.cover_file_id, userId, 'cover_file_id');
    const book = { title: input.title, author: input.author, category: input.category ?? null };
    const now = new Date();
    try {
      const { id } = await this.db
        .insertInto('books')
        .values({
          ...book,
          cover_file_id: input.cover_file_id ?? null,
          published_at: input.published_at ?? null,
          isbn: input.isbn ?? null,
          created_by: userId,
          search: bookSearchDocument(book),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return this.get(id);
    } catch (err) {
      throw await this.isbnConflict(err, input.isbn);
    }
  }

  async update(bookId: number, userId: number, input: BookUpdate): Promise<BookResponse> {
    await assertOwnImage(this.db, input.cover_file_id, userId, 'cover_file_id');
    try {
      await this.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('books').select(['created_by', 'title', 'author', 'category']).where('id', '=', bookId).forUpdate().executeTakeFirst();
        if (!current) throw new AppError('not_found', 'Book not found');
        if (current.created_by !== userId) throw new AppError('forbidden', 'Only the person who added this book may change it');
        const merged = {
          title: input.title ?? current.title,
          author: input.author ?? current.author,
          category: input.category === undefined ? current.category : input.category,
        };
        await trx
          .updateTable('books')
          .set({ ...input, search: bookSearchDocument(merged), updated_at: new Date() })
          .where('id', '=', bookId)
          .execute();
      });
    } catch (err) {
      throw await this.isbnConflict(err, input.isbn);
    }
    return this.get(bookId);
  }

  /** A duplicate ISBN names the book that already has it, so clients can use that one. */
  private async isbnConflict(err: unknown, isbn: string | null | undefined): Promise<unknown> {
    if (!isbn || uniqueViolation(err)?.constraint !== 'books_isbn_key') return err;
    const existing = await this.db.selectFrom('books').select('id').where('isbn', '=', isbn).executeTakeFirst();
    return new AppError('conflict', `A book with ISBN ${isbn} is already in the catalogue`, { book_id: existing?.id ?? null });
  }

  /** Ranked by relevance when there are words to find, then by id, so pages never shift. */
  async search(query: BookSearchQuery): Promise<Page<BookResponse>> {
    const words = query.q ? prefixQuery(query.q) : null;
    const tsquery = words ? sql`to_tsquery('simple', ${words})` : null;
    let ranked = bookQuery(this.db).select(tsquery ? sql<number>`ts_rank(books.search, ${tsquery})::float8`.as('rank') : sql<number>`0::float8`.as('rank'));
    if (tsquery) ranked = ranked.where(sql<boolean>`books.search @@ ${tsquery}`);
    if (query.category) ranked = ranked.where(sql<string>`lower(books.category)`, '=', query.category.toLowerCase());
    if (query.author) ranked = ranked.where(sql<number>`strpos(lower(books.author), ${query.author.toLowerCase()})`, '>', 0);

    let page = this.db.selectFrom(ranked.as('b')).selectAll();
    const after = decodeCursor(query.cursor, [cursorPart.number, cursorPart.id]);
    if (after) {
      const [rank, id] = after;
      page = page.where((eb) => eb.or([eb('b.rank', '<', rank), eb.and([eb('b.rank', '=', rank), eb('b.id', '>', id)])]));
    }
    const rows = await page.orderBy('b.rank', 'desc').orderBy('b.id').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.rank, r.id], toBook);
  }
}
