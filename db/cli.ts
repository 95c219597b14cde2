// `npm run db:migrate`: applies pending migrations to the configured database and exits.
import { loadConfig, ConfigError } from '../shared/config.js';
import { readEnvironment } from '../shared/environment.js';
import { openDatabase } from './open.js';
import { migrateToLatest } from './migrate.js';

try {
  const config = loadConfig(readEnvironment());
  const handle = await openDatabase(config.database);
  try {
    const { applied } = await migrateToLatest(handle.db);
    console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database schema is up to date.');
  } finally {
    await handle.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Migration failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
