// /api/me (own profile and picture) and /api/users/:id (public profile and picture).
import { AVATAR_FIELD, avatarQuerySchema, meResponseSchema, profileUpdateSchema, publicProfileSchema } from '../../shared/protocol/users.js';
import { AppError } from '../../shared/errors.js';
import { Api, type ApiDeps } from '../http/api.js';
import { discardParts, type MultipartLimits, type UploadedPart } from '../uploads/multipart.js';
import type { UploadSlots } from '../uploads/slots.js';
import type { AvatarService } from './avatars.js';
import type { ProfileService } from './profiles.js';

export interface AvatarRouteDeps {
  avatars: AvatarService;
  limits: MultipartLimits;
  /** The same per-user tally as image uploads: a picture is decoded too. */
  slots: UploadSlots;
}

export function userRoutes(deps: ApiDeps, profiles: ProfileService, { avatars, limits, slots }: AvatarRouteDeps): Api {
  const api = new Api(deps, '/api', 'Users');

  api.authed('get', '/me', { access: 'self', summary: 'Your own profile, private fields included', response: meResponseSchema }, ({ userId }) => profiles.me(userId));

  api.authed('patch', '/me', { access: 'self', summary: 'Change your profile', body: profileUpdateSchema, response: meResponseSchema }, ({ userId, body }) => profiles.update(userId, body));

  api.authed(
    'post',
    '/me/avatar',
    {
      access: 'self',
      summary: 'Set your profile picture (one PNG, JPEG or WebP; kept as a square WebP without metadata)',
      multipart: { field: AVATAR_FIELD, accepts: 'one PNG, JPEG or WebP image', limits },
      response: meResponseSchema,
      status: 200,
    },
    async ({ userId, parts: readParts }) => {
      const release = slots.take(userId);
      let parts: UploadedPart[] = [];
      try {
        parts = await readParts();
        const [part] = parts;
        if (!part || part.field !== AVATAR_FIELD) {
          throw new AppError('validation_failed', `Invalid request: send one image as "${AVATAR_FIELD}"`, [{ path: AVATAR_FIELD, message: 'one image is required' }]);
        }
        await avatars.set(userId, part);
      } finally {
        // Temp files are gone and the slot given back before the answer.
        await discardParts(parts);
        release();
      }
      return profiles.me(userId);
    },
  );

  api.authed('delete', '/me/avatar', { access: 'self', summary: 'Remove your profile picture' }, async ({ userId }) => {
    await avatars.remove(userId);
  });

  api.authed('get', '/users/:id', { access: 'public', summary: "An active user's public profile", response: publicProfileSchema }, ({ id }) => profiles.publicProfile(id('id', 'User')));

  api.authed(
    'get',
    '/users/:id/avatar',
    { access: 'public', summary: "An active user's profile picture (WebP); the avatar_url of their profile names the current version", query: avatarQuerySchema, produces: 'image/webp' },
    async ({ id, query, req, res }) => {
      const avatar = await avatars.current(id('id', 'User'));
      const etag = `"${avatar.sha256}"`;
      // Uploaded bytes are never run as a page, whatever they claim to be.
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('ETag', etag);
      // The current version's address never changes content: keep it. Any other address may
      // show another picture tomorrow: ask again each time (a 304 while it is the same).
      res.setHeader('Cache-Control', query.v === avatar.version ? 'private, max-age=31536000, immutable' : 'private, no-cache');
      if (req.get('if-none-match')?.split(',').some((tag) => tag.trim() === etag)) {
        res.status(304).end();
        return;
      }
      await new Promise<void>((resolve, reject) =>
        res.sendFile(avatars.pathOf(avatar.sha256), { headers: { 'Content-Type': 'image/webp' }, cacheControl: false, lastModified: false, etag: false }, (err) =>
          err && !res.headersSent ? reject(new AppError('not_found', "The profile picture's content is missing")) : resolve(),
        ),
      );
    },
  );

  return api;
}
