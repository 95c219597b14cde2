import { sql, type Kysely } from 'kysely';

// Club chat: messages (stored before they are broadcast; a client's retry with the same
// client_id finds the stored row instead of adding a second) and per-member read markers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().check(sql`char_length(client_id) BETWEEN 1 AND 64`))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 2000`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addUniqueConstraint('chat_messages_client_id', ['club_id', 'author_id', 'client_id'])
    .execute();
  // History pages walk a club's messages newest first.
  await db.schema.createIndex('chat_messages_club_id').on('chat_messages').columns(['club_id', 'id']).execute();

  await db.schema
    .createTable('chat_read_markers')
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('message_id', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('chat_read_markers_pk', ['club_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['chat_read_markers', 'chat_messages']) await db.schema.dropTable(table).execute();
}
