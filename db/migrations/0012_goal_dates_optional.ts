import { sql, type Kysely } from 'kysely';

// A goal's dates may be left blank, as in the study-group API goals follow. The existing check
// (ends_on >= starts_on) passes when either is null. Lists walk (start date, id) with undated
// goals last, so the list indexes key on the same expression the queries order by.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('club_goals').alterColumn('starts_on', (c) => c.dropNotNull()).execute();
  await db.schema.alterTable('club_goals').alterColumn('ends_on', (c) => c.dropNotNull()).execute();
  await db.schema.dropIndex('club_goals_list').execute();
  await db.schema.dropIndex('club_goals_type').execute();
  await sql`CREATE INDEX club_goals_list ON club_goals (club_id, coalesce(starts_on, '9999-12-31'::date), id)`.execute(db);
  await sql`CREATE INDEX club_goals_type ON club_goals (club_id, type, coalesce(starts_on, '9999-12-31'::date), id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM club_goals WHERE starts_on IS NULL OR ends_on IS NULL`.execute(db);
  await db.schema.dropIndex('club_goals_list').execute();
  await db.schema.dropIndex('club_goals_type').execute();
  await db.schema.createIndex('club_goals_list').on('club_goals').columns(['club_id', 'starts_on', 'id']).execute();
  await db.schema.createIndex('club_goals_type').on('club_goals').columns(['club_id', 'type', 'starts_on', 'id']).execute();
  await db.schema.alterTable('club_goals').alterColumn('starts_on', (c) => c.setNotNull()).execute();
  await db.schema.alterTable('club_goals').alterColumn('ends_on', (c) => c.setNotNull()).execute();
}
