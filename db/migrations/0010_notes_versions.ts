import { sql, type Kysely } from 'kysely';

// Named versions of notes documents: a full Yjs state (encodeStateAsUpdate) per version, so a
// version reads, exports and restores without the update log it came from.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notes_versions')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) BETWEEN 1 AND 100`))
    .addColumn('state', 'bytea', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A document's versions are listed newest first.
  await db.schema.createIndex('notes_versions_doc_id').on('notes_versions').columns(['doc', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notes_versions').execute();
}
