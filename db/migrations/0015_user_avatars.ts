import type { Kysely } from 'kysely';

// A user's profile picture: a file row (a square WebP made from the upload), like club and
// book covers. Removing the file leaves the user without a picture, never with a dangling one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('avatar_file_id', 'uuid', (c) => c.references('files.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('avatar_file_id').execute();
}
