import { sql, type Kysely } from 'kysely';

// Calendar subscription addresses: one secret address per member and club that a calendar app
// polls without signing in. Only a hash of the address's token is kept; revoked rows stay (the
// reset history), and at most one live address exists per member and club.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('club_id', 'integer', (c) => c.notNull().references('clubs.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('calendar_feeds_live').on('calendar_feeds').columns(['user_id', 'club_id']).unique().where(sql.ref('revoked_at'), 'is', null).execute();
  await db.schema.createIndex('calendar_feeds_club').on('calendar_feeds').column('club_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
}
