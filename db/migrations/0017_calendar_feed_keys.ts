import { sql, type Kysely } from 'kysely';

// Calendar addresses outlive a change of the signing key: each address's token is kept sealed
// (AES-256-GCM) under a key of its own, made once and kept in server_secrets, instead of being
// an HMAC of the row's nonce under a key derived from the signing key. Rows made before keep
// their nonce until the server seals their token at its next start (it still has the signing
// key they were made with). The revoked_at index serves the sweep that deletes old rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.alterTable('calendar_feeds').addColumn('sealed_token', 'text').execute();
  await db.schema.alterTable('calendar_feeds').alterColumn('nonce', (c) => c.dropNotNull()).execute();
  await db.schema.createIndex('calendar_feeds_revoked').on('calendar_feeds').column('revoked_at').where(sql.ref('revoked_at'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('calendar_feeds_revoked').execute();
  // Rows made under the sealed scheme have no nonce. They are kept with a nonce no key made: the
  // old code still serves them by their hash and replaces one when its member asks for it again,
  // as it does for an address made under another signing key. Deleting them would cut off every
  // subscribed calendar at a rollback.
  await sql`UPDATE calendar_feeds SET nonce = md5(random()::text || id::text) WHERE nonce IS NULL`.execute(db);
  await db.schema.alterTable('calendar_feeds').alterColumn('nonce', (c) => c.setNotNull()).execute();
  await db.schema.alterTable('calendar_feeds').dropColumn('sealed_token').execute();
  await db.schema.dropTable('server_secrets').execute();
}
