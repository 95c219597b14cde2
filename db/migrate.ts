import { inspect } from 'node:util';
import { Migrator, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './types.js';

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r: MigrationResult) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : inspect(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
