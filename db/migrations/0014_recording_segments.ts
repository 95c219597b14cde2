import { sql, type Kysely } from 'kysely';

// Segments transcribed from an uploaded recording name the job that wrote them: a job that
// runs again after a restart replaces exactly its own segments and no others.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transcript_segments').addColumn('job_id', 'integer', (c) => c.references('jobs.id').onDelete('set null')).execute();
  await sql`CREATE INDEX transcript_segments_job ON transcript_segments (job_id) WHERE job_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('transcript_segments_job').execute();
  await db.schema.alterTable('transcript_segments').dropColumn('job_id').execute();
}
