import { sql, type Kysely } from 'kysely';

// Meetings of a club and their participants (one row per join session).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) BETWEEN 1 AND 150`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('').check(sql`char_length(description) <= 5000`))
    .addColumn('thumbnail_file_id', 'uuid', (c) => c.references('files.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('scheduled', 'live', 'ended', 'cancelled')`))
    .addColumn('scheduled_at', 'timestamptz')
    .addColumn('started_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    // No foreign key: books belong to another module and may be removed independently.
    .addColumn('book_id', 'integer')
    .addColumn('chapters', 'text', (c) => c.check(sql`char_length(chapters) <= 200`))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('meetings_club').on('meetings').columns(['club_id', 'status']).execute();

  await db.schema
    .createTable('meeting_participants')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('joined_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('left_at', 'timestamptz')
    .addColumn('talk_ms', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`talk_ms >= 0`))
    .execute();
  await db.schema.createIndex('meeting_participants_meeting').on('meeting_participants').columns(['meeting_id', 'user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['meeting_participants', 'meetings']) await db.schema.dropTable(table).execute();
}
