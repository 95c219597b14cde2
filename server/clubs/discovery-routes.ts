// GET /api/clubs (search) and GET /api/clubs/recommended. Mounted before /clubs/:clubId.
import { pageSchema } from '../../shared/protocol/common.js';
import { clubSearchQuerySchema } from '../../shared/protocol/clubs.js';
import { clubCardSchema, recommendationListSchema, recommendationQuerySchema } from '../../shared/protocol/discovery.js';
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import type { ClubSearch } from './discovery.js';
import type { Recommender } from './recommend.js';

export function discoveryRoutes(deps: FeatureDeps, { search, recommender }: { search: ClubSearch; recommender: Recommender }): Api {
  const api = new Api(deps, '/api', 'Discovery');

  api.authed(
    'get',
    '/clubs',
    {
      access: 'public', summary: 'Find clubs: words match title, keywords and summary (and the detail of public clubs) as prefixes, best first; without words, most liked first',
      query: clubSearchQuerySchema,
      response: pageSchema(clubCardSchema),
    },
    ({ query }) => search.search(query),
  );

  api.authed(
    'get',
    '/clubs/recommended',
    { access: 'public', summary: 'Public clubs picked for you, best fit first, each with its score and reasons', query: recommendationQuerySchema, response: recommendationListSchema },
    async ({ userId, query }) => ({ items: await recommender.recommend(userId, query.limit) }),
  );

  return api;
}
