// Schedule endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function scheduleRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Schedule');
  return api;
}
