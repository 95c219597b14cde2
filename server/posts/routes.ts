// Posts endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function postsRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Posts');
  return api;
}
