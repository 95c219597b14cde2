// Two nodes sharing one Postgres and one Redis: a revocation on one is felt on the other
// at once (through the bus, not the session cache expiring), and rate limits are shared.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin } from '../helpers/accounts.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { requireServices } from '../helpers/services.js';

describe('two nodes with Postgres and Redis', function () {
  let scratch: ScratchDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;

  before(async function () {
    const services = requireServices(this, 'postgres', 'redis');
    scratch = await createScratchDatabase(services.postgres);
    // A long session cache: only the bus can make node B forget a revoked session in time.
    const env = { REDIS_PREFIX: `rt-cluster-${randomBytes(4).toString('hex')}:`, SESSION_CACHE_SECONDS: '300', RATE_LIMIT_AUTH_PER_ACCOUNT: '3' };
    nodeA = await startTestServer({ databaseUrl: scratch.url, env });
    nodeB = await startTestServer({ databaseUrl: scratch.url, env });
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await scratch?.drop();
  });

  it('logout-all on node A closes the user\'s access on node B within a second', async () => {
    const account = await signUpAndLogin(nodeA.http);
    const tablet = (await nodeB.http.post('/auth/jwt/create', { username: account.username, password: account.password })).body;
    // Node B has now cached both sessions as live.
    assert.equal((await nodeB.http.get('/api/me', account.access)).status, 200);
    assert.equal((await nodeB.http.get('/api/me', tablet.access)).status, 200);

    const started = Date.now();
    assert.equal((await nodeA.http.post('/auth/logout-all', undefined, account.access)).status, 204);
    for (;;) {
      const [a, b] = await Promise.all([nodeB.http.get('/api/me', account.access), nodeB.http.get('/api/me', tablet.access)]);
      if (a.status === 401 && b.status === 401) {
        assert.equal(b.body.error.code, 'token_revoked');
        break;
      }
      assert.ok(Date.now() - started < 1000, 'node B still accepts revoked tokens after 1 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('a refresh token rotated on node A cannot be replayed on node B', async () => {
    const account = await signUpAndLogin(nodeA.http);
    assert.equal((await nodeA.http.post('/auth/jwt/refresh', { refresh: account.refresh })).status, 200);
    const replay = await nodeB.http.post('/auth/jwt/refresh', { refresh: account.refresh });
    assert.equal(replay.body.error.code, 'token_reused');
  });

  it('counts login attempts for one account across both nodes', async () => {
    const account = await signUpAndLogin(nodeA.http);
    const attempt = (node: TestServer) => node.http.post('/auth/jwt/create', { username: account.username, password: 'not-the-password-1' });
    const statuses = [(await attempt(nodeA)).status, (await attempt(nodeB)).status, (await attempt(nodeA)).status, (await attempt(nodeB)).status];
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it('reports Redis in readiness', async () => {
    const ready = await nodeB.http.get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.redis.ok, true);
    assert.equal(ready.body.checks.database.detail, 'postgres');
  });
});
