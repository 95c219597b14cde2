// Chat endpoints: the history of a club's chat and the caller's read marker. Messages are
// sent, edited and deleted over Socket.IO (signaling/features/chat.ts).
import { z } from 'zod';
import { MAX_PAGE, pageSchema } from '../../shared/protocol/common.js';
import { chatMessageSchema, readMarkerSchema } from '../../shared/protocol/signaling.js';
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import type { ChatStore } from './store.js';

export const historyQuerySchema = z.object({
  /** A message id: only older messages are listed (pass the previous page's next_cursor). */
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
});

export function chatRoutes(deps: FeatureDeps, store: ChatStore): Api {
  const api = new Api(deps, '/api', 'Chat');

  api.club(
    'get',
    '/clubs/:clubId/messages',
    'chat.read',
    { summary: 'Chat history, newest first (deleted messages stay as empty tombstones)', query: historyQuerySchema, response: pageSchema(chatMessageSchema) },
    ({ access, query }) => store.history(access.club.id, query),
  );

  api.club('get', '/clubs/:clubId/messages/read', 'chat.read', { summary: 'Your read marker in this club', response: readMarkerSchema }, ({ access, userId }) =>
    store.readMarker(access.club.id, userId),
  );

  return api;
}
