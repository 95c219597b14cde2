// /api/books (the catalogue), /api/clubs/:clubId/reading-list and -logs, /api/me/reading-logs
// and /api/me/reading-days.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import type { BookCatalogue } from './catalogue.js';
import { catalogueRoutes } from './catalogue-routes.js';
import type { ReadingList } from './reading-list.js';
import { readingListRoutes } from './reading-list-routes.js';
import { readingLogRoutes } from './reading-log-routes.js';
import type { ReadingLogs } from './reading-logs.js';

export interface BookServices {
  catalogue: BookCatalogue;
  readingList: ReadingList;
  readingLogs: ReadingLogs;
}

export function bookRoutes(deps: FeatureDeps, services: BookServices): Api {
  const api = new Api(deps, '/api', 'Books');
  catalogueRoutes(api, services.catalogue, deps);
  readingListRoutes(api, services.readingList);
  readingLogRoutes(api, services.readingLogs, deps.db);
  return api;
}
