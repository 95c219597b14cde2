// Who the caller is to a club: the one place a club role is worked out. REST, signaling,
// notes and meetings all ask here, then ask shared/permissions what that role may do.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ClubsTable } from '../../db/tables/clubs.js';
import { CLUB_ROLES, can, type Role } from '../../shared/permissions.js';

export type ClubRow = Omit<Selectable<ClubsTable>, 'search' | 'total_money'> & { total_money: number };

export interface ClubAccess {
  club: ClubRow;
  role: Role;
  /** 'pending' while a knock waits; 'banned' members are outsiders who may not knock again. */
  status: 'active' | 'banned' | 'pending' | 'none';
  liked: boolean;
}

export interface ClubAccessResolver {
  resolve(clubId: number, userId: number): Promise<ClubAccess | null>;
}

export const CLUB_COLUMNS = [
  'clubs.id',
  'clubs.owner_id',
  'clubs.kind',
  'clubs.title',
  'clubs.summary',
  'clubs.detail',
  'clubs.cover_file_id',
  'clubs.transcription_default',
  'clubs.visibility',
  'clubs.join_password_hash',
  'clubs.max_members',
  'clubs.member_count',
  'clubs.keywords',
  'clubs.schedule',
  'clubs.main_goal',
  'clubs.grace_period_days',
  'clubs.renew_period_days',
  'clubs.entrance_fee',
  'clubs.penalty',
  'clubs.season',
  'clubs.renewed_at',
  'clubs.like_count',
  'clubs.created_at',
  'clubs.updated_at',
] as const;

export class ClubAccessService implements ClubAccessResolver {
  constructor(private readonly db: Kysely<Database>) {}

  async resolve(clubId: number, userId: number): Promise<ClubAccess | null> {
    const row = await this.db
      .selectFrom('clubs')
      .leftJoin('memberships as m', (join) => join.onRef('m.club_id', '=', 'clubs.id').on('m.user_id', '=', userId))
      .select(CLUB_COLUMNS)
      .select((eb) => [
        sql<number>`clubs.total_money::float8`.as('total_money'),
        'm.role as member_role',
        'm.status as member_status',
        eb
          .selectFrom('knocks')
          // A live guest pass outranks a newer pending knock ('guest' < 'pending').
          .select(sql<string>`min(case when status = 'pending' then 'pending' else 'guest' end)`.as('k'))
          .whereRef('knocks.club_id', '=', 'clubs.id')
          .where('knocks.user_id', '=', userId)
          .where((w) => w.or([w('status', '=', 'pending'), w.and([w('status', '=', 'admitted_once'), w('guest_until', '>', new Date())])]))
          .as('knock_state'),
        eb
          .exists(eb.selectFrom('club_likes').select('club_likes.user_id').whereRef('club_likes.club_id', '=', 'clubs.id').where('club_likes.user_id', '=', userId))
          .as('liked'),
      ])
      .where('clubs.id', '=', clubId)
      .executeTakeFirst();
    if (!row) return null;
    const { member_role, member_status, knock_state, liked, ...club } = row;
    let role: Role = 'outsider';
    let status: ClubAccess['status'] = 'none';
    if (member_status === 'active' && member_role) {
      role = member_role;
      status = 'active';
    } else if (member_status === 'banned') {
      status = 'banned';
    } else if (knock_state === 'guest') {
      role = 'guest';
    } else if (knock_state === 'pending') {
      status = 'pending';
    }
    return { club, role, status, liked: Boolean(liked) };
  }

  /** The role alone, for real-time handlers that check one action at a time. */
  async roleOf(clubId: number, userId: number): Promise<{ role: Role; visibility: 'public' | 'private' } | null> {
    const access = await this.resolve(clubId, userId);
    return access ? { role: access.role, visibility: access.club.visibility } : null;
  }

  /** Ids of the clubs a user is an active member of (the rooms a socket joins on connect). */
  async clubsOf(userId: number): Promise<Array<{ clubId: number; role: Role }>> {
    const rows = await this.db
      .selectFrom('memberships')
      .select(['club_id', 'role'])
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .execute();
    return rows.map((r) => ({ clubId: r.club_id, role: r.role }));
  }
}

/** The member roles that see the image projects shared with their club (permission project.read). */
const PROJECT_READERS = CLUB_ROLES.filter((role) => can(role, 'project.read'));

/**
 * Who may see an image project, its images, results and files: the one rule, as a condition on
 * `projects` so that lists, single projects and file downloads all filter with it. Its owner may;
 * so may an active member of the club it is shared with whose role may read projects, as long
 * as the owner is still an active member there too (an owner who left or was banned no longer
 * publishes into the club). Guests and outsiders never do: `project.read` is not public.
 */
export function projectVisibleTo(eb: ExpressionBuilder<Database, 'projects'>, userId: number): Expression<SqlBool> {
  const activeIn = (alias: 'viewer' | 'owner') =>
    eb
      .selectFrom(`memberships as ${alias}`)
      .select(`${alias}.user_id`)
      .whereRef(`${alias}.club_id`, '=', 'projects.club_id')
      .where(`${alias}.status`, '=', 'active');
  return eb.or([
    eb('projects.owner_id', '=', userId),
    eb.and([
      eb.exists(activeIn('viewer').where('viewer.user_id', '=', userId).where('viewer.role', 'in', PROJECT_READERS)),
      eb.exists(activeIn('owner').whereRef('owner.user_id', '=', 'projects.owner_id')),
    ]),
  ]);
}

/** The ids of the projects `userId` may see, as a subquery: `where('project_id', 'in', visibleProjectIds(db, userId))`. */
export function visibleProjectIds(db: Kysely<Database>, userId: number) {
  return db.selectFrom('projects').select('projects.id').where((eb) => projectVisibleTo(eb, userId));
}

/** Whether this user may share projects into the club (see its projects there). */
export async function maySeeClubProjects(clubs: ClubAccessResolver, clubId: number, userId: number): Promise<boolean> {
  const access = await clubs.resolve(clubId, userId);
  return access !== null && access.status === 'active' && can(access.role, 'project.read', access.club);
}
