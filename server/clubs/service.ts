// Clubs themselves: create, read, change, delete, like. Membership lives in membership.ts.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { ClubScheduleValue } from '../../db/tables/clubs.js';
import type { Bus } from '../../shared/bus.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ClubEvent } from '../../shared/protocol/club-events.js';
import type { ClubCreate, ClubResponse, ClubUpdate, ScheduleInput } from '../../shared/protocol/clubs.js';
import { can } from '../../shared/permissions.js';
import { hashPassword } from '../auth/passwords.js';
import { assertOwnImage } from '../uploads/images-in-use.js';
import type { ClubAccess, ClubAccessService, ClubRow } from './access.js';
import { lockUser } from './lock-user.js';

export interface ClubLimits {
  maxMembers: number;
  ownedPerUser: number;
}

/** The text full-text search indexes: title, summary, keywords and the detail. */
export function searchDocument(club: { title: string; summary: string; detail: string; keywords: string[] }) {
  const weighted = sql`setweight(to_tsvector('simple', ${club.title}), 'A') || setweight(to_tsvector('simple', ${club.keywords.join(' ')}), 'A') || setweight(to_tsvector('simple', ${club.summary}), 'B') || setweight(to_tsvector('simple', ${club.detail}), 'C')`;
  return weighted;
}

function scheduleValue(schedule: ScheduleInput, createdAt: Date): ClubScheduleValue {
  return { ...schedule, starts_on: schedule.starts_on ?? createdAt.toISOString().slice(0, 10) };
}

export function toClubResponse(access: ClubAccess, owner: { id: number; username: string }): ClubResponse {
  const { club, role, status, liked } = access;
  // Outsiders of a private club get the card only: no detail, goal, cover or money.
  const readable = can(role, 'club.read', club);
  return {
    id: club.id,
    kind: club.kind,
    title: club.title,
    summary: club.summary,
    detail: readable ? club.detail : null,
    cover_url: readable && club.cover_file_id ? `/api/clubs/${club.id}/cover` : null,
    visibility: club.visibility,
    has_password: club.join_password_hash !== null,
    transcription_default: club.transcription_default,
    max_members: club.max_members,
    member_count: club.member_count,
    seats_left: Math.max(0, club.max_members - club.member_count),
    keywords: club.keywords,
    schedule: readable ? club.schedule : null,
    owner,
    like_count: club.like_count,
    study:
      club.kind === 'study'
        ? {
            main_goal: readable ? club.main_goal : null,
            grace_period_days: club.grace_period_days,
            renew_period_days: club.renew_period_days,
            entrance_fee: club.entrance_fee,
            penalty: club.penalty,
            season: club.season,
            renewed_at: club.renewed_at?.toISOString() ?? null,
            // The same people who read every member's dues.
            total_money: can(role, 'dues.read_all', club) ? Number(club.total_money) : null,
          }
        : null,
    me: { role, status, liked },
    created_at: club.created_at.toISOString(),
    updated_at: club.updated_at.toISOString(),
  };
}

export class ClubService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly access: ClubAccessService,
    private readonly bus: Bus,
    private readonly limits: ClubLimits,
    private readonly logger: Logger,
  ) {}

  /**
   * Tells the club's open pages what changed. The change is committed before this is called, so
   * a bus that fails (Redis down past its retries) must not turn it into an error: the person
   * would do it again and store it twice. It is logged; pages catch up on their next load, and
   * sockets re-check a member's standing on their own.
   */
  async publish(clubId: number, actorId: number | null, event: ClubEvent): Promise<void> {
    try {
      await this.bus.publish('club.event', { club_id: clubId, actor_id: actorId, at: new Date().toISOString(), event });
    } catch (err) {
      this.logger.warn({ clubId, type: event.type, err: err instanceof Error ? err.message : String(err) }, 'club event not published');
    }
  }

  private checkMaxMembers(maxMembers: number, memberCount: number): void {
    // Problems of the field with their bound (the server's cap, or the count), so a form can say
    // them next to the seats in its viewer's language.
    if (maxMembers > this.limits.maxMembers) {
      throw validationError([{ path: 'max_members', message: `at most ${this.limits.maxMembers} on this server`, code: 'too_big', maximum: this.limits.maxMembers, inclusive: true }]);
    }
    if (maxMembers < memberCount) {
      throw validationError([{ path: 'max_members', message: `at least ${memberCount}: the club already has ${memberCount} members`, code: 'too_small', minimum: memberCount, inclusive: true }]);
    }
  }

  async view(clubId: number, userId: number): Promise<ClubResponse> {
    const access = await this.access.resolve(clubId, userId);
    if (!access) throw new AppError('not_found', 'Club not found');
    return this.respond(access);
  }

  async respond(access: ClubAccess): Promise<ClubResponse> {
    const owner = await this.db.selectFrom('users').select(['id', 'username']).where('id', '=', access.club.owner_id).executeTakeFirstOrThrow();
    return toClubResponse(access, owner);
  }

  async create(userId: number, input: ClubCreate): Promise<ClubResponse> {
    this.checkMaxMembers(input.max_members, 1);
    await assertOwnImage(this.db, input.cover_file_id, userId, 'cover_file_id');
    // Hashed before the transaction: the lock below is held for milliseconds, not an argon2 run.
    const passwordHash = input.join_password ? await hashPassword(input.join_password) : null;
    const now = new Date();
    const clubId = await this.db.transaction().execute(async (trx) => {
      // The owner's row lock queues this person's creations, so the count and the insert are
      // one step and parallel requests cannot all pass the same count.
      await lockUser(trx, userId);
      const owned = await trx.selectFrom('clubs').select((eb) => eb.fn.countAll<string>().as('n')).where('owner_id', '=', userId).executeTakeFirstOrThrow();
      if (Number(owned.n) >= this.limits.ownedPerUser) {
        throw new AppError('conflict', `You already own ${this.limits.ownedPerUser} clubs, the most this server allows`);
      }
      const { id } = await trx
        .insertInto('clubs')
        .values({
          owner_id: userId,
          kind: input.kind,
          title: input.title,
          summary: input.summary,
          detail: input.detail,
          cover_file_id: input.cover_file_id ?? null,
          visibility: input.visibility,
          join_password_hash: passwordHash,
          max_members: input.max_members,
          member_count: 1,
          keywords: input.keywords,
          schedule: input.schedule ? JSON.stringify(scheduleValue(input.schedule, now)) : null,
          main_goal: input.main_goal ?? null,
          grace_period_days: input.grace_period_days,
          renew_period_days: input.renew_period_days ?? null,
          entrance_fee: input.entrance_fee,
          penalty: input.penalty,
          renewed_at: input.kind === 'study' ? now : null,
          search: searchDocument(input),
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('memberships').values({ club_id: id, user_id: userId, role: 'owner', status: 'active' }).execute();
      return id;
    });
    return this.view(clubId, userId);
  }

  async update(access: ClubAccess, userId: number, input: ClubUpdate): Promise<ClubResponse> {
    const { club } = access;
    const studyFields = ['main_goal', 'grace_period_days', 'renew_period_days', 'entrance_fee', 'penalty'] as const;
    if (club.kind !== 'study') {
      const wrong = studyFields.filter((f) => input[f] !== undefined);
      if (wrong.length > 0) {
        throw validationError(wrong.map((path) => ({ path, message: 'applies to study groups only', rule: 'study_only' })));
      }
    }
    await assertOwnImage(this.db, input.cover_file_id, userId, 'cover_file_id');
    const { join_password, schedule, keywords, ...plain } = input;
    const passwordHash = join_password === undefined ? undefined : join_password === null ? null : await hashPassword(join_password);
    await this.db.transaction().execute(async (trx) => {
      // Locked so a concurrent admission cannot slip past a lowered max_members.
      const current = await trx.selectFrom('clubs').select(['member_count', 'title', 'summary', 'detail', 'keywords']).where('id', '=', club.id).forUpdate().executeTakeFirstOrThrow();
      if (input.max_members !== undefined) this.checkMaxMembers(input.max_members, current.member_count);
      const merged = {
        title: input.title ?? current.title,
        summary: input.summary ?? current.summary,
        detail: input.detail ?? current.detail,
        keywords: keywords ?? current.keywords,
      };
      await trx
        .updateTable('clubs')
        .set({
          ...plain,
          ...(keywords ? { keywords } : {}),
          ...(passwordHash !== undefined ? { join_password_hash: passwordHash } : {}),
          ...(schedule !== undefined ? { schedule: schedule ? JSON.stringify(scheduleValue(schedule, club.created_at)) : null } : {}),
          search: searchDocument(merged),
          updated_at: new Date(),
        })
        .where('id', '=', club.id)
        .execute();
    });
    const fields = Object.keys(input).map((f) => (f === 'join_password' ? 'has_password' : f));
    await this.publish(club.id, userId, { type: 'club.updated', fields });
    if (schedule !== undefined) await this.publish(club.id, userId, { type: 'content.changed', resource: 'schedule', action: 'updated', id: null, data: schedule });
    return this.view(club.id, userId);
  }

  async remove(club: ClubRow, userId: number): Promise<void> {
    await this.db.deleteFrom('clubs').where('id', '=', club.id).execute();
    await this.publish(club.id, userId, { type: 'club.deleted' });
  }

  /** Idempotent: liking twice is one like. */
  async like(clubId: number, userId: number, liked: boolean): Promise<{ liked: boolean; like_count: number }> {
    return this.db.transaction().execute(async (trx) => {
      const changed = liked
        ? await trx.insertInto('club_likes').values({ club_id: clubId, user_id: userId }).onConflict((oc) => oc.doNothing()).executeTakeFirst()
        : await trx.deleteFrom('club_likes').where('club_id', '=', clubId).where('user_id', '=', userId).executeTakeFirst();
      const delta = Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows ?? 0 : changed.numDeletedRows);
      const row = await trx
        .updateTable('clubs')
        .set({ like_count: sql`like_count + ${liked ? delta : -delta}` })
        .where('id', '=', clubId)
        .returning('like_count')
        .executeTakeFirstOrThrow();
      return { liked, like_count: row.like_count };
    });
  }

  /** The clubs the caller belongs to, newest membership first. */
  async mine(userId: number) {
    return this.db
      .selectFrom('memberships')
      .innerJoin('clubs', 'clubs.id', 'memberships.club_id')
      .select(['clubs.id', 'clubs.kind', 'clubs.title', 'clubs.summary', 'clubs.member_count', 'clubs.max_members', 'memberships.role', 'memberships.joined_at'])
      .where('memberships.user_id', '=', userId)
      .where('memberships.status', '=', 'active')
      .orderBy('memberships.joined_at', 'desc')
      .execute();
  }
}
