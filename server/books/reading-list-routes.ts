// /api/clubs/:clubId/reading-list: readable like other club content, changed by moderators.
import { z } from 'zod';
import { readingListItemCreateSchema, readingListItemResponseSchema, readingListItemUpdateSchema, readingListOrderSchema } from '../../shared/protocol/books.js';
import type { Api } from '../http/api.js';
import type { ReadingList } from './reading-list.js';

const listResponse = z.object({ items: z.array(readingListItemResponseSchema) });

export function readingListRoutes(api: Api, list: ReadingList): void {
  api.club('get', '/clubs/:clubId/reading-list', 'content.read', { summary: 'The reading list, in order, each item with its book', response: listResponse }, async ({ access }) => ({
    items: await list.list(access.club.id),
  }));

  api.club('post', '/clubs/:clubId/reading-list', 'reading_list.write', { summary: 'Put a book at the end of the reading list (once per club)', body: readingListItemCreateSchema, response: readingListItemResponseSchema }, ({ access, userId, body }) =>
    list.add(access.club.id, userId, body),
  );

  api.club('put', '/clubs/:clubId/reading-list/order', 'reading_list.write', { summary: 'Reorder the reading list (ids: every item, in the new order)', body: readingListOrderSchema, response: listResponse }, async ({ access, userId, body }) => ({
    items: await list.reorder(access.club.id, userId, body.ids),
  }));

  api.club('patch', '/clubs/:clubId/reading-list/:itemId', 'reading_list.write', { summary: 'Change the portion or target date of an item', body: readingListItemUpdateSchema, response: readingListItemResponseSchema }, ({ access, userId, body, id }) =>
    list.update(access.club.id, id('itemId'), userId, body),
  );

  api.club('delete', '/clubs/:clubId/reading-list/:itemId', 'reading_list.write', { summary: 'Take a book off the reading list' }, async ({ access, userId, id }) => {
    await list.remove(access.club.id, id('itemId'), userId);
  });
}
