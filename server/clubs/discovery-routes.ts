// Discovery endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function discoveryRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Discovery');
  return api;
}
