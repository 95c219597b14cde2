// The catalogue endpoints: any signed-in user adds, finds and reads books.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { bookCreateSchema, bookResponseSchema, bookSearchQuerySchema, bookUpdateSchema } from '../../shared/protocol/books.js';
import { pageSchema } from '../../shared/protocol/common.js';
import type { Api } from '../http/api.js';
import type { BlobStore } from '../uploads/store.js';
import type { BookCatalogue } from './catalogue.js';
import { sendCover } from './cover.js';

export function catalogueRoutes(api: Api, catalogue: BookCatalogue, deps: { db: Kysely<Database>; blobs: BlobStore }): void {
  api.authed('post', '/books', { access: 'author', summary: 'Add a book to the catalogue (a duplicate ISBN is a 409 naming the existing book)', body: bookCreateSchema, response: bookResponseSchema }, ({ userId, body }) =>
    catalogue.create(userId, body),
  );

  api.authed('get', '/books', { access: 'public', summary: 'Find books: words match title, author or category as prefixes, best matches first', query: bookSearchQuerySchema, response: pageSchema(bookResponseSchema) }, ({ query }) =>
    catalogue.search(query),
  );

  api.authed('get', '/books/:bookId', { access: 'public', summary: 'A book, with its average rating', response: bookResponseSchema }, ({ id }) => catalogue.get(id('bookId')));

  api.authed('patch', '/books/:bookId', { access: 'author', summary: 'Change a book (only the person who added it)', body: bookUpdateSchema, response: bookResponseSchema }, ({ userId, body, id }) =>
    catalogue.update(id('bookId'), userId, body),
  );

  api.authed('get', '/books/:bookId/cover', { access: 'public', summary: 'The cover image', produces: 'image/*' }, async ({ id, res }) => {
    await sendCover(deps.db, deps.blobs, id('bookId'), res);
  });
}
