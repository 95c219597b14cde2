// Migrations are listed statically so the same list runs from TypeScript (tests) and the
// compiled build, on PGlite and Postgres alike. Append only; never edit a shipped one.
import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts.js';
import * as m0002 from './0002_images.js';
import * as m0003 from './0003_notes.js';

export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
  '0002_images': m0002,
  '0003_notes': m0003,
};
