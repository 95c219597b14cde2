// Chat endpoints.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';

export function chatRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Chat');
  return api;
}
