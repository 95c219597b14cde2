// Joining and leaving: knocks and their decisions, roles, removals, bans, ownership.
// Seats are counted in clubs.member_count under a row lock, so parallel admissions into the
// last seat admit exactly one. Every transaction that changes a membership locks the club row
// first (one lock order, no deadlocks) and re-reads the roles it acts on under that lock.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { KnockDecision, KnockResponse, MemberResponse } from '../../shared/protocol/clubs.js';
import type { Page } from '../../shared/protocol/common.js';
import { can, outranks, type Action, type ClubRole, type Role } from '../../shared/permissions.js';
import { cursorPart, decodeCursor, exactTime, pageOf } from '../http/pagination.js';
import { avatarUrl } from '../users/avatar-url.js';
import type { ClubAccess } from './access.js';
import type { JoinPasswordGuard } from './join-password.js';
import { lockUser } from './lock-user.js';
import type { ClubService } from './service.js';

const GUEST_PASS_MS = 24 * 3600 * 1000;
const MAX_PENDING_KNOCKS_PER_USER = 20;

type KnockRow = {
  id: number;
  club_id: number;
  user_id: number;
  username: string;
  nickname: string | null;
  avatar_sha256: string | null;
  message: string;
  status: KnockResponse['status'];
  decided_at: Date | null;
  guest_until: Date | null;
  created_at: Date;
};

function toKnock(row: KnockRow): KnockResponse {
  return {
    id: row.id,
    club_id: row.club_id,
    user: { id: row.user_id, username: row.username, nickname: row.nickname, avatar_url: avatarUrl(row.user_id, row.avatar_sha256) },
    message: row.message,
    status: row.status,
    decided_at: row.decided_at?.toISOString() ?? null,
    guest_until: row.guest_until?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** Memberships with the person: name and picture. */
function memberQuery(db: Kysely<Database>) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('files as avatar', 'avatar.id', 'users.avatar_file_id')
    .select(['users.id', 'users.username', 'users.nickname', 'avatar.sha256 as avatar_sha256', 'memberships.role', 'memberships.status', 'memberships.joined_at']);
}

type MemberRow = { id: number; username: string; nickname: string | null; avatar_sha256: string | null; role: MemberResponse['role']; status: MemberResponse['status']; joined_at: Date };

function toMember(row: MemberRow): MemberResponse {
  return {
    user: { id: row.id, username: row.username, nickname: row.nickname, avatar_url: avatarUrl(row.id, row.avatar_sha256) },
    role: row.role,
    status: row.status,
    joined_at: row.joined_at.toISOString(),
  };
}

export class MembershipService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clubs: ClubService,
    private readonly joinPasswords: JoinPasswordGuard,
  ) {}

  private knockQuery(db: Kysely<Database> | Transaction<Database>) {
    return db
      .selectFrom('knocks')
      .innerJoin('users', 'users.id', 'knocks.user_id')
      .leftJoin('files as avatar', 'avatar.id', 'users.avatar_file_id')
      .select(['knocks.id', 'knocks.club_id', 'knocks.user_id', 'users.username', 'users.nickname', 'avatar.sha256 as avatar_sha256', 'knocks.message', 'knocks.status', 'knocks.decided_at', 'knocks.guest_until', 'knocks.created_at']);
  }

  /** `ip` is the knocker's client address: password guesses are limited per address too. */
  async knock(access: ClubAccess, userId: number, input: { message: string; password?: string }, ip: string): Promise<{ knock: KnockResponse; created: boolean }> {
    const { club, status } = access;
    if (status === 'active') throw new AppError('already_member', 'You are already a member of this club');
    if (status === 'banned') throw new AppError('banned', 'You are banned from this club');
    if (club.join_password_hash) {
      const attempt = { clubId: club.id, userId, ip };
      if (!input.password || !(await this.joinPasswords.verify(attempt, club.join_password_hash, input.password))) {
        throw new AppError('join_password_invalid', input.password ? 'Wrong club password' : 'This club needs its password to knock');
      }
    }
    // Counted and inserted under the knocker's row lock: parallel knocks cannot all pass one count.
    const { row, created } = await this.db.transaction().execute(async (trx) => {
      await lockUser(trx, userId);
      const waiting = () => this.knockQuery(trx).where('knocks.club_id', '=', club.id).where('knocks.user_id', '=', userId).where('knocks.status', '=', 'pending');
      const existing = await waiting().executeTakeFirst();
      if (existing) return { row: existing, created: false };
      const pending = await trx.selectFrom('knocks').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).where('status', '=', 'pending').executeTakeFirstOrThrow();
      if (Number(pending.n) >= MAX_PENDING_KNOCKS_PER_USER) {
        throw new AppError('conflict', `You have ${MAX_PENDING_KNOCKS_PER_USER} knocks waiting; withdraw some first`);
      }
      // This person's knocks queue on the lock above, so no other pending knock can appear here.
      await trx.insertInto('knocks').values({ club_id: club.id, user_id: userId, message: input.message }).execute();
      return { row: await waiting().executeTakeFirstOrThrow(), created: true };
    });
    const knock = toKnock(row);
    if (created) await this.clubs.publish(club.id, userId, { type: 'membership.requested', knock });
    return { knock, created };
  }

  async withdraw(clubId: number, userId: number): Promise<void> {
    const row = await this.db
      .updateTable('knocks')
      .set({ status: 'withdrawn', decided_at: new Date() })
      .where('club_id', '=', clubId)
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'You have no knock waiting at this club');
    await this.clubs.publish(clubId, userId, { type: 'membership.withdrawn', knock_id: row.id, user_id: userId });
  }

  async pendingKnocks(clubId: number, query: { limit: number; cursor?: string }): Promise<Page<KnockResponse>> {
    const after = decodeCursor(query.cursor, [cursorPart.id]);
    let q = this.knockQuery(this.db).where('knocks.club_id', '=', clubId).where('knocks.status', '=', 'pending');
    if (after) q = q.where('knocks.id', '>', after[0]);
    const rows = await q.orderBy('knocks.id').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.id], toKnock);
  }

  async decide(clubId: number, knockId: number, deciderId: number, decision: KnockDecision): Promise<KnockResponse> {
    const knock = await this.db.transaction().execute(async (trx) => {
      // The club row lock serializes every admission into this club.
      const club = await this.lockClub(trx, clubId);
      await this.requireActor(trx, clubId, deciderId, 'knock.decide');
      const pending = await trx
        .selectFrom('knocks')
        .select(['user_id', 'status'])
        .where('id', '=', knockId)
        .where('club_id', '=', clubId)
        .forUpdate()
        .executeTakeFirst();
      if (!pending) throw new AppError('not_found', 'Knock not found');
      if (pending.status !== 'pending') throw new AppError('conflict', `This knock was already decided (${pending.status})`);
      const now = new Date();
      if (decision === 'admit_member') {
        if (club.member_count >= club.max_members) throw new AppError('club_full', `The club is full (${club.max_members} members)`);
        const membership = await trx.selectFrom('memberships').select('status').where('club_id', '=', clubId).where('user_id', '=', pending.user_id).executeTakeFirst();
        if (membership?.status === 'banned') throw new AppError('conflict', 'That person is banned from this club; lift the ban first');
        if (!membership) {
          await trx.insertInto('memberships').values({ club_id: clubId, user_id: pending.user_id, role: 'member', status: 'active' }).execute();
          await trx.updateTable('clubs').set({ member_count: sql`member_count + 1` }).where('id', '=', clubId).execute();
        }
      }
      const status = decision === 'admit_member' ? 'admitted_member' : decision === 'admit_once' ? 'admitted_once' : 'refused';
      await trx
        .updateTable('knocks')
        .set({ status, decided_by: deciderId, decided_at: now, guest_until: decision === 'admit_once' ? new Date(now.getTime() + GUEST_PASS_MS) : null })
        .where('id', '=', knockId)
        .execute();
      return toKnock(await this.knockQuery(trx).where('knocks.id', '=', knockId).executeTakeFirstOrThrow());
    });
    await this.clubs.publish(clubId, deciderId, { type: 'membership.decided', knock });
    if (decision === 'admit_member') await this.clubs.publish(clubId, deciderId, { type: 'member.joined', user_id: knock.user.id, role: 'member' });
    return knock;
  }

  async members(clubId: number, query: { status: 'active' | 'banned'; limit: number; cursor?: string }): Promise<Page<MemberResponse>> {
    const after = decodeCursor(query.cursor, [cursorPart.time, cursorPart.id]);
    let q = memberQuery(this.db)
      .select(exactTime('memberships.joined_at').as('joined_key'))
      .where('memberships.club_id', '=', clubId)
      .where('memberships.status', '=', query.status);
    if (after) {
      const [joinedAt, id] = after;
      q = q.where(sql<boolean>`(memberships.joined_at, users.id) > (${joinedAt}::timestamptz, ${id})`);
    }
    const rows = await q.orderBy('memberships.joined_at').orderBy('users.id').limit(query.limit + 1).execute();
    return pageOf(rows, query.limit, (r) => [r.joined_key, r.id], toMember);
  }

  private async lockClub(trx: Transaction<Database>, clubId: number) {
    const club = await trx.selectFrom('clubs').select(['owner_id', 'member_count', 'max_members']).where('id', '=', clubId).forUpdate().executeTakeFirst();
    if (!club) throw new AppError('not_found', 'Club not found');
    return club;
  }

  private async target(trx: Transaction<Database>, clubId: number, userId: number) {
    const row = await trx.selectFrom('memberships').select(['role', 'status']).where('club_id', '=', clubId).where('user_id', '=', userId).forUpdate().executeTakeFirst();
    return row ?? null;
  }

  /** The actor's role now, under the club lock: it may have changed since the request was let in. */
  private async requireActor(trx: Transaction<Database>, clubId: number, actorId: number, action: Action): Promise<ClubRole> {
    const actor = await trx.selectFrom('memberships').select(['role', 'status']).where('club_id', '=', clubId).where('user_id', '=', actorId).executeTakeFirst();
    if (!actor || actor.status !== 'active' || !can(actor.role, action)) throw new AppError('forbidden', 'You may no longer do this in this club');
    return actor.role;
  }

  /** Ends a live guest pass: someone who leaves or is removed must not stay on as a guest. */
  private async endGuestPass(trx: Transaction<Database>, clubId: number, userId: number, now: Date): Promise<void> {
    await trx.updateTable('knocks').set({ guest_until: now }).where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'admitted_once').where('guest_until', '>', now).execute();
  }

  private assertOutranks(actor: Role, target: ClubRole, verb: string): void {
    if (target === 'owner') throw new AppError('forbidden', `The owner cannot be ${verb}; transfer ownership first`);
    if (!outranks(actor, target)) throw new AppError('forbidden', `A ${actor} cannot ${verb.replace(/ed$/, '')} a ${target}`);
  }

  async setRole(clubId: number, actorId: number, userId: number, role: Exclude<ClubRole, 'owner'>): Promise<MemberResponse> {
    await this.db.transaction().execute(async (trx) => {
      await this.lockClub(trx, clubId);
      await this.requireActor(trx, clubId, actorId, 'member.set_role');
      const target = await this.target(trx, clubId, userId);
      if (!target || target.status !== 'active') throw new AppError('not_found', 'That person is not a member of this club');
      if (target.role === 'owner') throw new AppError('forbidden', 'The owner keeps the owner role; transfer ownership instead');
      await trx.updateTable('memberships').set({ role }).where('club_id', '=', clubId).where('user_id', '=', userId).execute();
    });
    await this.clubs.publish(clubId, actorId, { type: 'member.role_changed', user_id: userId, role });
    return toMember(await memberQuery(this.db).where('memberships.club_id', '=', clubId).where('memberships.user_id', '=', userId).executeTakeFirstOrThrow());
  }

  /** `_actor` is the role the request was let in with; the one that counts is re-read here. */
  async remove(clubId: number, _actor: Role, actorId: number, userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.lockClub(trx, clubId);
      const actor = await this.requireActor(trx, clubId, actorId, 'member.remove');
      const target = await this.target(trx, clubId, userId);
      if (!target || target.status !== 'active') throw new AppError('not_found', 'That person is not a member of this club');
      this.assertOutranks(actor, target.role, 'removed');
      await trx.deleteFrom('memberships').where('club_id', '=', clubId).where('user_id', '=', userId).execute();
      await trx.updateTable('clubs').set({ member_count: sql`member_count - 1` }).where('id', '=', clubId).execute();
      await this.endGuestPass(trx, clubId, userId, new Date());
    });
    await this.clubs.publish(clubId, actorId, { type: 'member.removed', user_id: userId });
  }

  /** Bans a member (freeing the seat) or a non-member (who may then not knock). */
  async ban(clubId: number, _actor: Role, actorId: number, userId: number, reason: string): Promise<void> {
    if (userId === actorId) throw new AppError('forbidden', 'You cannot ban yourself');
    await this.db.transaction().execute(async (trx) => {
      await this.lockClub(trx, clubId);
      const actor = await this.requireActor(trx, clubId, actorId, 'member.ban');
      const user = await trx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (!user) throw new AppError('not_found', 'User not found');
      const target = await this.target(trx, clubId, userId);
      if (target?.status === 'banned') return;
      const now = new Date();
      if (target) {
        this.assertOutranks(actor, target.role, 'banned');
        await trx.updateTable('memberships').set({ status: 'banned', role: 'member', banned_at: now, ban_reason: reason }).where('club_id', '=', clubId).where('user_id', '=', userId).execute();
        await trx.updateTable('clubs').set({ member_count: sql`member_count - 1` }).where('id', '=', clubId).execute();
      } else {
        await trx.insertInto('memberships').values({ club_id: clubId, user_id: userId, role: 'member', status: 'banned', banned_at: now, ban_reason: reason }).execute();
      }
      await trx.updateTable('knocks').set({ status: 'refused', decided_by: actorId, decided_at: now }).where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'pending').execute();
      await this.endGuestPass(trx, clubId, userId, now);
    });
    await this.clubs.publish(clubId, actorId, { type: 'member.banned', user_id: userId });
  }

  async unban(clubId: number, actorId: number, userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.lockClub(trx, clubId);
      await this.requireActor(trx, clubId, actorId, 'member.ban');
      const result = await trx.deleteFrom('memberships').where('club_id', '=', clubId).where('user_id', '=', userId).where('status', '=', 'banned').executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'That person is not banned here');
    });
    await this.clubs.publish(clubId, actorId, { type: 'member.unbanned', user_id: userId });
  }

  async leave(access: ClubAccess, userId: number): Promise<void> {
    const clubId = access.club.id;
    await this.db.transaction().execute(async (trx) => {
      await this.lockClub(trx, clubId);
      // Re-read: ownership may have been handed to the caller since the request came in.
      const me = await this.target(trx, clubId, userId);
      if (!me || me.status !== 'active') throw new AppError('not_found', 'You are not a member of this club');
      if (me.role === 'owner') throw new AppError('conflict', 'The owner cannot leave; transfer ownership or delete the club');
      await trx.deleteFrom('memberships').where('club_id', '=', clubId).where('user_id', '=', userId).execute();
      await trx.updateTable('clubs').set({ member_count: sql`member_count - 1` }).where('id', '=', clubId).execute();
      await this.endGuestPass(trx, clubId, userId, new Date());
    });
    await this.clubs.publish(clubId, userId, { type: 'member.left', user_id: userId });
  }

  async transfer(clubId: number, ownerId: number, toUserId: number): Promise<void> {
    if (toUserId === ownerId) throw new AppError('conflict', 'You already own this club');
    await this.db.transaction().execute(async (trx) => {
      // Under the club lock, a second transfer by the same caller sees it no longer owns the club.
      const club = await this.lockClub(trx, clubId);
      if (club.owner_id !== ownerId) throw new AppError('forbidden', 'Only the owner can hand the club over');
      const target = await this.target(trx, clubId, toUserId);
      if (!target || target.status !== 'active') throw new AppError('not_found', 'The new owner must be an active member');
      await trx.updateTable('memberships').set({ role: 'moderator' }).where('club_id', '=', clubId).where('user_id', '=', ownerId).execute();
      await trx.updateTable('memberships').set({ role: 'owner' }).where('club_id', '=', clubId).where('user_id', '=', toUserId).execute();
      await trx.updateTable('clubs').set({ owner_id: toUserId, updated_at: new Date() }).where('id', '=', clubId).execute();
    });
    await this.clubs.publish(clubId, ownerId, { type: 'club.ownership_transferred', from_user_id: ownerId, to_user_id: toUserId });
    await this.clubs.publish(clubId, ownerId, { type: 'member.role_changed', user_id: ownerId, role: 'moderator' });
    await this.clubs.publish(clubId, ownerId, { type: 'member.role_changed', user_id: toUserId, role: 'owner' });
  }
}
