// Content endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function contentRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Content');
  return api;
}
