// /api/me (own profile) and /api/users/:id (public profile).
import { Router, type RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import { AppError } from '../../shared/errors.js';
import { profileUpdateSchema, userIdParamSchema, type MeResponse, type PublicProfile } from '../../shared/protocol/users.js';
import { readingStreak } from '../books/reading-days.js';
import { authOf } from '../http/authenticate.js';
import { parse } from '../http/validate.js';

const ME_COLUMNS = [
  'id',
  'username',
  'email',
  'first_name',
  'last_name',
  'nickname',
  'bio',
  'phone',
  'birth_date',
  'interests',
  'email_verified_at',
  'transcription_opt_out',
  'created_at',
] as const;

type MeRow = Pick<User, (typeof ME_COLUMNS)[number]>;

async function toMe(db: Kysely<Database>, row: MeRow): Promise<MeResponse> {
  const { email_verified_at, created_at, ...rest } = row;
  return { ...rest, email_verified: email_verified_at !== null, created_at: created_at.toISOString(), reading_streak: await readingStreak(db, row.id) };
}

async function toPublic(db: Kysely<Database>, row: Pick<User, 'id' | 'username' | 'first_name' | 'nickname' | 'bio' | 'interests' | 'created_at'>): Promise<PublicProfile> {
  return { ...row, created_at: row.created_at.toISOString(), reading_streak: await readingStreak(db, row.id) };
}

/** `bus`, where given, hears of preference changes ('user.preferences') for meetings in progress. */
export function userRoutes(db: Kysely<Database>, requireAuth: RequestHandler, bus?: Bus): Router {
  const router = Router();

  router.get('/me', requireAuth, async (_req, res) => {
    const row = await db.selectFrom('users').select(ME_COLUMNS).where('id', '=', authOf(res).userId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'User not found');
    res.json(await toMe(db, row));
  });

  router.patch('/me', requireAuth, async (req, res) => {
    const { interests, ...fields } = parse(profileUpdateSchema, req.body);
    const userId = authOf(res).userId;
    const { row, optOutBefore } = await db.transaction().execute(async (trx) => {
      // The previous opt-out, read under the row lock, tells whether the preference changed.
      const before =
        fields.transcription_opt_out === undefined
          ? undefined
          : await trx.selectFrom('users').select('transcription_opt_out').where('id', '=', userId).forUpdate().executeTakeFirst();
      const updated = await trx
        .updateTable('users')
        .set({ ...fields, ...(interests ? { interests: JSON.stringify(interests) } : {}), updated_at: new Date() })
        .where('id', '=', userId)
        .returning(ME_COLUMNS)
        .executeTakeFirst();
      return { row: updated, optOutBefore: before?.transcription_opt_out };
    });
    if (!row) throw new AppError('not_found', 'User not found');
    if (bus && optOutBefore !== undefined && optOutBefore !== row.transcription_opt_out) {
      await bus.publish('user.preferences', { userId, transcriptionOptOut: row.transcription_opt_out });
    }
    res.json(await toMe(db, row));
  });

  router.get('/users/:id', requireAuth, async (req, res) => {
    const id = userIdParamSchema.safeParse(req.params.id);
    if (!id.success) throw new AppError('not_found', 'User not found');
    const row = await db
      .selectFrom('users')
      .select(['id', 'username', 'first_name', 'nickname', 'bio', 'interests', 'created_at'])
      .where('id', '=', id.data)
      .where('is_active', '=', true)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', 'User not found');
    res.json(await toPublic(db, row));
  });

  return router;
}
