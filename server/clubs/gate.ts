// The one place a club action is allowed or refused: the caller's role is resolved and judged by
// the permission table. Api.club uses it for /clubs/:clubId paths; modules whose rows carry
// their own club (a post, a comment, a meeting) use it after finding that club.
import { AppError } from '../../shared/errors.js';
import { can, type Action } from '../../shared/permissions.js';
import type { ClubAccess, ClubAccessResolver } from './access.js';

export class ClubGate {
  constructor(private readonly clubs: ClubAccessResolver) {}

  /** The caller's access to the club, or a 403 naming the missing permission. */
  async require(clubId: number, userId: number, action: Action): Promise<ClubAccess> {
    const access = await this.clubs.resolve(clubId, userId);
    if (!access) throw new AppError('not_found', 'Club not found');
    if (!can(access.role, action, access.club)) {
      throw new AppError('forbidden', `Your role in this club (${access.role}) may not do this (${action})`, { action, role: access.role });
    }
    return access;
  }
}
