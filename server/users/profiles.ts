// Profiles: one's own (every field, including the private ones) and other people's public view.
import type { Kysely } from 'kysely';
import type { Database, User } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import { AppError } from '../../shared/errors.js';
import type { MeResponse, ProfileUpdate, PublicProfile } from '../../shared/protocol/users.js';
import { readingStreak } from '../books/reading-days.js';
import { avatarUrl } from './avatar-url.js';

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

const notFound = () => new AppError('not_found', 'User not found');

export class ProfileService {
  /** `bus`, where given, hears of preference changes ('user.preferences') for meetings in progress. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus?: Bus,
  ) {}

  async me(userId: number): Promise<MeResponse> {
    const row = await this.db.selectFrom('users').select(ME_COLUMNS).where('id', '=', userId).executeTakeFirst();
    if (!row) throw notFound();
    return this.toMe(row);
  }

  async update(userId: number, { interests, ...fields }: ProfileUpdate): Promise<MeResponse> {
    const { row, optOutBefore } = await this.db.transaction().execute(async (trx) => {
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
    if (!row) throw notFound();
    if (this.bus && optOutBefore !== undefined && optOutBefore !== row.transcription_opt_out) {
      await this.bus.publish('user.preferences', { userId, transcriptionOptOut: row.transcription_opt_out });
    }
    return this.toMe(row);
  }

  /** An active user's public profile. */
  async publicProfile(userId: number): Promise<PublicProfile> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'first_name', 'nickname', 'bio', 'interests', 'created_at'])
      .where('id', '=', userId)
      .where('is_active', '=', true)
      .executeTakeFirst();
    if (!row) throw notFound();
    return { ...row, created_at: row.created_at.toISOString(), reading_streak: await readingStreak(this.db, row.id), avatar_url: await this.avatarUrlOf(row.id) };
  }

  private async toMe(row: MeRow): Promise<MeResponse> {
    const { email_verified_at, created_at, ...rest } = row;
    return {
      ...rest,
      email_verified: email_verified_at !== null,
      created_at: created_at.toISOString(),
      reading_streak: await readingStreak(this.db, row.id),
      avatar_url: await this.avatarUrlOf(row.id),
    };
  }

  private async avatarUrlOf(userId: number): Promise<string | null> {
    const row = await this.db.selectFrom('users').innerJoin('files', 'files.id', 'users.avatar_file_id').select('files.sha256').where('users.id', '=', userId).executeTakeFirst();
    return avatarUrl(userId, row?.sha256);
  }
}
