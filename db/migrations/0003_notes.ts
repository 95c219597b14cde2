import { sql, type Kysely } from 'kysely';

// Shared notes (Yjs): an append-only update log written in group commits, one compacted
// snapshot per document (covering the log up to `upto_seq`), and single-use tickets for
// opening a notes WebSocket without a long-lived token in the URL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notes_updates')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('update', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('notes_updates_doc_seq').on('notes_updates').columns(['doc', 'seq']).execute();

  await db.schema
    .createTable('notes_snapshots')
    .addColumn('doc', 'text', (c) => c.primaryKey())
    .addColumn('state', 'bytea', (c) => c.notNull())
    .addColumn('upto_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('collab_tickets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['collab_tickets', 'notes_snapshots', 'notes_updates']) await db.schema.dropTable(table).execute();
}
