// Books endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function bookRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Books');
  return api;
}
