// /api/clubs/:clubId — the club itself, likes and membership.
import { AppError } from '../../shared/errors.js';
import {
  banSchema,
  clubCreateSchema,
  clubLikeResponseSchema,
  clubResponseSchema,
  clubUpdateSchema,
  knockCreateSchema,
  knockDecisionSchema,
  knockResponseSchema,
  memberListQuerySchema,
  memberResponseSchema,
  memberRoleUpdateSchema,
  transferSchema,
} from '../../shared/protocol/clubs.js';
import { pageQuerySchema, pageSchema } from '../../shared/protocol/common.js';
import { Api, type ApiDeps } from '../http/api.js';
import { sendStoredImage } from '../uploads/images-in-use.js';
import type { BlobStore } from '../uploads/store.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { MembershipService } from './membership.js';
import type { ClubService } from './service.js';

export interface ClubRouteDeps extends ApiDeps {
  db: Kysely<Database>;
  clubService: ClubService;
  membership: MembershipService;
  blobs: BlobStore;
}

export function clubRoutes(deps: ClubRouteDeps): Api {
  const api = new Api(deps, '/api', 'Clubs');
  const { clubService, membership } = deps;

  api.authed('post', '/clubs', { access: 'self', summary: 'Create a club (you become its owner)', body: clubCreateSchema, response: clubResponseSchema }, ({ userId, body }) =>
    clubService.create(userId, body),
  );

  api.authed('get', '/me/clubs', { access: 'self', summary: 'The clubs you belong to' }, async ({ userId }) => ({ items: await clubService.mine(userId), next_cursor: null }));

  // Anyone signed in sees a club's card (to find it and knock); private details need membership.
  api.authed('get', '/clubs/:clubId', { access: 'public', summary: 'A club, with your role in it', response: clubResponseSchema }, ({ userId, id }) => clubService.view(id('clubId'), userId));

  api.club('patch', '/clubs/:clubId', 'club.update', { summary: 'Change a club', body: clubUpdateSchema, response: clubResponseSchema }, ({ access, userId, body }) =>
    clubService.update(access, userId, body),
  );

  api.club('delete', '/clubs/:clubId', 'club.delete', { summary: 'Delete a club and everything in it' }, async ({ access, userId }) => {
    await clubService.remove(access.club, userId);
  });

  api.club('get', '/clubs/:clubId/cover', 'club.read', { summary: 'The cover image', produces: 'image/*' }, ({ access, res }) =>
    sendStoredImage(deps.db, deps.blobs, access.club.cover_file_id, res, 'club cover'),
  );

  api.club('put', '/clubs/:clubId/like', 'club.like', { summary: 'Like a club', response: clubLikeResponseSchema, status: 200 }, ({ access, userId }) => clubService.like(access.club.id, userId, true));
  api.club('delete', '/clubs/:clubId/like', 'club.like', { summary: 'Take your like back', response: clubLikeResponseSchema, status: 200 }, ({ access, userId }) =>
    clubService.like(access.club.id, userId, false),
  );

  // Membership

  api.club('post', '/clubs/:clubId/knocks', 'club.knock', { summary: 'Ask to join (a knock); private clubs with a password need it', body: knockCreateSchema, response: knockResponseSchema }, async ({ access, userId, body, status, req }) => {
    const { knock, created } = await membership.knock(access, userId, body, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (!created) status(200);
    return knock;
  });
  api.club('delete', '/clubs/:clubId/knocks/mine', 'club.knock', { summary: 'Withdraw your knock' }, async ({ access, userId }) => {
    await membership.withdraw(access.club.id, userId);
  });
  api.club('get', '/clubs/:clubId/knocks', 'knock.list', { summary: 'Knocks waiting for a decision', query: pageQuerySchema, response: pageSchema(knockResponseSchema) }, ({ access, query }) =>
    membership.pendingKnocks(access.club.id, query),
  );
  api.club(
    'post',
    '/clubs/:clubId/knocks/:knockId/decision',
    'knock.decide',
    { summary: 'Admit as member, admit once (a 24-hour guest pass), or refuse', body: knockDecisionSchema, response: knockResponseSchema, status: 200 },
    ({ access, userId, body, id }) => membership.decide(access.club.id, id('knockId'), userId, body.decision),
  );

  api.club('get', '/clubs/:clubId/members', 'member.list', { summary: 'Members (or, for moderators, banned people)', query: memberListQuerySchema, response: pageSchema(memberResponseSchema) }, ({ access, query }) => {
    if (query.status === 'banned' && !['owner', 'moderator'].includes(access.role)) throw new AppError('forbidden', 'Only moderators see the ban list');
    return membership.members(access.club.id, query);
  });
  api.club('patch', '/clubs/:clubId/members/:userId', 'member.set_role', { summary: "Change a member's role", body: memberRoleUpdateSchema, response: memberResponseSchema }, ({ access, userId, body, id }) =>
    membership.setRole(access.club.id, userId, id('userId'), body.role),
  );
  api.club('delete', '/clubs/:clubId/members/:userId', 'member.remove', { summary: 'Remove a member' }, async ({ access, userId, id }) => {
    await membership.remove(access.club.id, access.role, userId, id('userId'));
  });
  api.club('post', '/clubs/:clubId/members/:userId/ban', 'member.ban', { summary: 'Ban someone (a member loses their seat)', body: banSchema, status: 204 }, async ({ access, userId, body, id }) => {
    await membership.ban(access.club.id, access.role, userId, id('userId'), body.reason);
  });
  api.club('delete', '/clubs/:clubId/members/:userId/ban', 'member.ban', { summary: 'Lift a ban' }, async ({ access, userId, id }) => {
    await membership.unban(access.club.id, userId, id('userId'));
  });
  api.club('post', '/clubs/:clubId/leave', 'club.leave', { summary: 'Leave the club', status: 204 }, async ({ access, userId }) => {
    await membership.leave(access, userId);
  });
  api.club('post', '/clubs/:clubId/transfer', 'club.transfer', { summary: 'Hand the club to another member (you become a moderator)', body: transferSchema, status: 204 }, async ({ access, userId, body }) => {
    await membership.transfer(access.club.id, userId, body.user_id);
  });

  return api;
}
