// /api/clubs/:clubId/notices
import { noticeCreateSchema, noticeListSchema, noticeOrderSchema, noticeResponseSchema, noticeUpdateSchema } from '../../shared/protocol/content.js';
import type { Api } from '../http/api.js';
import type { NoticeService } from './notices.js';

export function noticeRoutes(api: Api, notices: NoticeService): void {
  api.club('get', '/clubs/:clubId/notices', 'content.read', { summary: 'Notices: pinned first, then in their set order', response: noticeListSchema }, async ({ access }) => ({
    items: await notices.list(access.club.id),
  }));
  api.club('post', '/clubs/:clubId/notices', 'notice.write', { summary: 'Post a notice (it goes to the end of the order)', body: noticeCreateSchema, response: noticeResponseSchema }, ({ access, userId, body }) =>
    notices.create(access.club.id, userId, body),
  );
  // Before /notices/:noticeId so "order" is never read as an id.
  api.club('put', '/clubs/:clubId/notices/order', 'notice.write', { summary: "Reorder the notices (list every notice's id)", body: noticeOrderSchema, response: noticeListSchema }, async ({ access, userId, body }) => ({
    items: await notices.reorder(access.club.id, userId, body.ids),
  }));
  api.club('patch', '/clubs/:clubId/notices/:noticeId', 'notice.write', { summary: 'Change or (un)pin a notice', body: noticeUpdateSchema, response: noticeResponseSchema }, ({ access, userId, body, id }) =>
    notices.update(access.club.id, id('noticeId'), userId, body),
  );
  api.club('delete', '/clubs/:clubId/notices/:noticeId', 'notice.write', { summary: 'Delete a notice' }, async ({ access, userId, id }) => {
    await notices.remove(access.club.id, id('noticeId'), userId);
  });
}
