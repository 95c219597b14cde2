import { sql, type Kysely } from 'kysely';

// Per-user preferences. transcription_opt_out: the member's audio is never tapped for meeting
// transcription.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('transcription_opt_out', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('transcription_opt_out').execute();
}
