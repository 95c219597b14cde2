// GET /api/clubs/:clubId/search: the club's memory, for its members.
import { searchQuerySchema, searchResponseSchema } from '../../shared/protocol/intelligence.js';
import type { FeatureDeps } from '../features.js';
import { Api } from '../http/api.js';
import type { MemorySearch } from './memory.js';

export function searchRoutes(deps: FeatureDeps, memory: MemorySearch): Api {
  const api = new Api(deps, '/api', 'Search');
  api.club('get', '/clubs/:clubId/search', 'memory.search', { summary: "Search the club's transcripts, minutes, chat and posts (Korean and English)", query: searchQuerySchema, response: searchResponseSchema }, ({ access, query }) =>
    memory.search(access.club.id, query.q, query.kinds, query.limit),
  );
  return api;
}
