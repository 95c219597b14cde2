import { sql, type Kysely } from 'kysely';

// Clubs, memberships (role + status), knocks (requests to join), likes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clubs')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('book', 'study')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cover_file_id', 'uuid', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility IN ('public', 'private')`))
    .addColumn('join_password_hash', 'text')
    .addColumn('max_members', 'integer', (c) => c.notNull().check(sql`max_members >= 1`))
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`member_count >= 0 AND member_count <= max_members`))
    .addColumn('keywords', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('schedule', 'jsonb')
    .addColumn('main_goal', 'text')
    .addColumn('grace_period_days', 'integer', (c) => c.notNull().defaultTo(14))
    .addColumn('renew_period_days', 'integer')
    .addColumn('entrance_fee', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('penalty', 'integer', (c) => c.notNull().defaultTo(0).check(sql`penalty BETWEEN 0 AND 100`))
    .addColumn('season', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('renewed_at', 'timestamptz')
    .addColumn('total_money', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('search', sql`tsvector`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX clubs_search ON clubs USING gin (search)`.execute(db);
  await sql`CREATE INDEX clubs_keywords ON clubs USING gin (keywords)`.execute(db);
  await db.schema.createIndex('clubs_owner').on('clubs').column('owner_id').execute();
  // Discovery without a query lists by popularity: this index serves that order directly.
  await sql`CREATE INDEX clubs_popularity ON clubs (like_count DESC, member_count DESC, id)`.execute(db);

  await db.schema
    .createTable('memberships')
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('owner', 'moderator', 'notetaker', 'member')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('active', 'banned')`))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('banned_at', 'timestamptz')
    .addColumn('ban_reason', 'text')
    .addPrimaryKeyConstraint('memberships_pk', ['club_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user').on('memberships').columns(['user_id', 'status']).execute();

  await db.schema
    .createTable('knocks')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status IN ('pending', 'admitted_member', 'admitted_once', 'refused', 'withdrawn')`),
    )
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('guest_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One open knock per person per club.
  await sql`CREATE UNIQUE INDEX knocks_one_pending ON knocks (club_id, user_id) WHERE status = 'pending'`.execute(db);
  await db.schema.createIndex('knocks_club').on('knocks').columns(['club_id', 'status', 'id']).execute();

  await db.schema
    .createTable('club_likes')
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('club_likes_pk', ['club_id', 'user_id'])
    .execute();

  // An image project may belong to a club: its members may then see it.
  await db.schema.alterTable('projects').addColumn('club_id', 'integer', (c) => c.references('clubs.id').onDelete('set null')).execute();
  await db.schema.createIndex('projects_club').on('projects').column('club_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('club_id').execute();
  for (const table of ['club_likes', 'knocks', 'memberships', 'clubs']) await db.schema.dropTable(table).execute();
}
