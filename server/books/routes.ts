// /api/books (the catalogue), /api/clubs/:clubId/reading-list and -logs, /api/me/reading-logs
// and /api/me/reading-days.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import { BookCatalogue } from './catalogue.js';
import { catalogueRoutes } from './catalogue-routes.js';
import { ReadingList } from './reading-list.js';
import { readingListRoutes } from './reading-list-routes.js';
import { readingLogRoutes } from './reading-log-routes.js';
import { ReadingLogs } from './reading-logs.js';

export function bookRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Books');
  catalogueRoutes(api, new BookCatalogue(deps.db), deps);
  readingListRoutes(api, new ReadingList(deps.db, deps.events));
  readingLogRoutes(api, new ReadingLogs(deps.db, deps.clubs), deps.db);
  return api;
}
