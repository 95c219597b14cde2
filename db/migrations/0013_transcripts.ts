import { sql, type Kysely } from 'kysely';

// Meeting intelligence. Transcript segments are what was said, one row per utterance cut by
// voice activity detection (text empty where no recogniser runs: who spoke when is kept).
// A meeting's transcription is on or off by the owner's decision, defaulting to the club's.
// Summaries are one per meeting; inbox items tell members what they missed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clubs').addColumn('transcription_default', 'boolean', (c) => c.notNull().defaultTo(sql`false`)).execute();
  // null: the club's default applies.
  await db.schema.alterTable('meetings').addColumn('transcription', 'boolean').execute();

  await db.schema
    .createTable('transcript_segments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('speaker_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('start_ms', 'integer', (c) => c.notNull().check(sql`start_ms >= 0`))
    .addColumn('end_ms', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('confidence', 'real')
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('live').check(sql`source IN ('live', 'recording')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('transcript_segments_order', sql`end_ms >= start_ms`)
    .execute();
  await db.schema.createIndex('transcript_segments_meeting').on('transcript_segments').columns(['meeting_id', 'start_ms', 'id']).execute();
  await db.schema.createIndex('transcript_segments_speaker').on('transcript_segments').columns(['speaker_id']).execute();

  await db.schema
    .createTable('meeting_summaries')
    .addColumn('meeting_id', 'integer', (c) => c.primaryKey().references('meetings.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued').check(sql`status IN ('queued', 'running', 'completed', 'failed')`))
    .addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('content', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('requested_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('inbox_items')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('club_id', 'integer', (c) => c.references('clubs.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('cascade'))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('read_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('inbox_items_user').on('inbox_items').columns(['user_id', 'id']).execute();
  // One "what you missed" per member and meeting, however often a summary is regenerated.
  await sql`CREATE UNIQUE INDEX inbox_items_once ON inbox_items (user_id, kind, meeting_id) WHERE meeting_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('inbox_items').execute();
  await db.schema.dropTable('meeting_summaries').execute();
  await db.schema.dropTable('transcript_segments').execute();
  await db.schema.alterTable('meetings').dropColumn('transcription').execute();
  await db.schema.alterTable('clubs').dropColumn('transcription_default').execute();
}
