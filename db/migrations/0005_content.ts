import { sql, type Kysely } from 'kysely';

// Club content: notices (pinned, ordered), rules (ordered), goals, past seasons and dues.
// Positions are unique per club but checked at commit, so a reorder may pass through duplicates.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('club_notices')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('pinned', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('club_notices_position', ['club_id', 'position'], (c) => c.deferrable().initiallyDeferred())
    .execute();

  await db.schema
    .createTable('club_rules')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('club_rules_position', ['club_id', 'position'], (c) => c.deferrable().initiallyDeferred())
    .execute();

  await db.schema
    .createTable('club_goals')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type IN ('sub_goal', 'homework', 'meeting', 'other')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_on', 'date', (c) => c.notNull())
    .addColumn('ends_on', 'date', (c) => c.notNull())
    .addColumn('done', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('done_at', 'timestamptz')
    .addColumn('done_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('club_goals_dates', sql`ends_on >= starts_on`)
    .execute();
  // The list walks (starts_on, id), optionally within one type.
  await db.schema.createIndex('club_goals_list').on('club_goals').columns(['club_id', 'starts_on', 'id']).execute();
  await db.schema.createIndex('club_goals_type').on('club_goals').columns(['club_id', 'type', 'starts_on', 'id']).execute();

  // Closed seasons only: the current one lives on clubs.season / clubs.renewed_at.
  await db.schema
    .createTable('club_seasons')
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('season', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('club_seasons_pk', ['club_id', 'season'])
    .execute();

  await db.schema
    .createTable('club_dues')
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('season', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('paid', 'boolean', (c) => c.notNull())
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('paid_on', 'date')
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('club_dues_pk', ['club_id', 'season', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['club_dues', 'club_seasons', 'club_goals', 'club_rules', 'club_notices']) await db.schema.dropTable(table).execute();
}
