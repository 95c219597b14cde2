// Who the caller is to a club: the one place a club role is worked out. REST, signaling,
// notes and meetings all ask here, then ask shared/permissions what that role may do.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ClubsTable } from '../../db/tables/clubs.js';
import type { Role } from '../../shared/permissions.js';

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
