// /api/me (own profile) and /api/users/:id (public profile).
import { meResponseSchema, profileUpdateSchema, publicProfileSchema } from '../../shared/protocol/users.js';
import { Api, type ApiDeps } from '../http/api.js';
import type { ProfileService } from './profiles.js';

export function userRoutes(deps: ApiDeps, profiles: ProfileService): Api {
  const api = new Api(deps, '/api', 'Users');

  api.authed('get', '/me', { access: 'self', summary: 'Your own profile, private fields included', response: meResponseSchema }, ({ userId }) => profiles.me(userId));

  api.authed('patch', '/me', { access: 'self', summary: 'Change your profile', body: profileUpdateSchema, response: meResponseSchema }, ({ userId, body }) => profiles.update(userId, body));

  api.authed('get', '/users/:id', { access: 'public', summary: "An active user's public profile", response: publicProfileSchema }, ({ id }) => profiles.publicProfile(id('id', 'User')));

  return api;
}
