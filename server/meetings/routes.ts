// Meetings endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function meetingsRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Meetings');
  return api;
}
