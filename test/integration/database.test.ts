import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest } from '../../db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import { openDatabase, type DatabaseHandle } from '../../db/open.js';
import { signUpAndLogin } from '../helpers/accounts.js';
import { createScratchDatabase } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/server.js';
import { requireServices } from '../helpers/services.js';

async function tables(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(handle.db);
  return rows.map((r) => r.table_name);
}

function checkMigrations(open: () => Promise<{ handle: DatabaseHandle; done: () => Promise<void> }>) {
  it('applies every migration, then reports nothing to do', async () => {
    const { handle, done } = await open();
    try {
      const first = await migrateToLatest(handle.db);
      assert.deepEqual(first.applied, Object.keys(migrations));
      assert.deepEqual((await migrateToLatest(handle.db)).applied, []);
      const names = await tables(handle);
      for (const table of ['users', 'auth_sessions', 'refresh_tokens', 'email_tokens', 'mail_outbox']) assert.ok(names.includes(table), table);
      // Case-insensitive unique usernames are enforced by the schema itself.
      await handle.db.insertInto('users').values({ username: 'Ann', email: 'a@x.org', password_hash: 'h', interests: '[]', updated_at: new Date() }).execute();
      await assert.rejects(
        handle.db.insertInto('users').values({ username: 'ANN', email: 'b@x.org', password_hash: 'h', interests: '[]', updated_at: new Date() }).execute(),
        (err: { code?: string }) => err.code === '23505',
      );
    } finally {
      await done();
    }
  });
}

describe('migrations on PGlite', () => {
  checkMigrations(async () => {
    const handle = await openDatabase({ pgliteDir: 'memory://' });
    return { handle, done: () => handle.close() };
  });
});

describe('migrations on Postgres', function () {
  let url: string;
  before(function () {
    url = requireServices(this, 'postgres').postgres;
  });
  checkMigrations(async () => {
    const scratch = await createScratchDatabase(url);
    const handle = await openDatabase({ url: scratch.url, pgliteDir: '' });
    assert.equal(handle.dialect, 'postgres');
    return { handle, done: async () => { await handle.close(); await scratch.drop(); } };
  });
});

describe('embedded data survives a restart', () => {
  it('keeps users, sessions and the JWT secret in DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-restart-'));
    // No JWT_SECRET: the secret is generated into DATA_DIR (single node, so no REDIS_URL).
    const env = { JWT_SECRET: '', REDIS_URL: '' };
    const first = await startTestServer({ dataDir, persistentPglite: true, env });
    const account = await signUpAndLogin(first.http);
    await first.close();

    const secretFile = path.join(dataDir, 'jwt-secret');
    assert.equal(fs.statSync(secretFile).mode & 0o777, 0o600);
    assert.ok(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION')), 'PGlite data directory');

    const second = await startTestServer({ dataDir, persistentPglite: true, env });
    try {
      // The access token from before the restart is still valid: same secret, same session.
      assert.equal((await second.http.get('/api/me', account.access)).body.username, account.username);
      const login = await second.http.post('/auth/jwt/create', { username: account.username, password: account.password });
      assert.equal(login.status, 200);
      assert.equal((await second.http.post('/auth/jwt/refresh', { refresh: account.refresh })).status, 200);
    } finally {
      await second.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
