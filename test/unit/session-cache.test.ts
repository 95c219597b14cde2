// A session read that is in flight while the session is revoked must not be cached as live.
import assert from 'node:assert/strict';
import { type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { migrateToLatest } from '../../db/migrate.js';
import { openDatabase, type DatabaseHandle } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { SessionService } from '../../server/auth/sessions.js';
import { createMemoryBus } from '../../server/bus/memory.js';
import { TokenService } from '../../shared/auth/tokens.js';
import { createLogger } from '../../shared/logger.js';

/** Holds back the results of SELECTs while `delayMs` > 0, as a slow database would. */
class SlowSelects implements KyselyPlugin {
  delayMs = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.delayMs > 0 && args.result.rows.length > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return args.result;
  }
}

describe('session cache', () => {
  let handle: DatabaseHandle;
  after(() => handle?.close());

  it('does not cache a "live" answer read while another node revoked the session', async () => {
    handle = await openDatabase({ pgliteDir: 'memory://' });
    await migrateToLatest(handle.db);
    const slow = new SlowSelects();
    const db: Kysely<Database> = handle.db.withPlugin(slow);
    const tokens = new TokenService({ issuer: 'i', audience: 'a', accessTtlSeconds: 900, refreshTtlSeconds: 3600, keys: { alg: 'HS256', secret: new TextEncoder().encode('x'.repeat(40)) } });
    const bus = createMemoryBus(createLogger('silent'));
    const sessions = new SessionService(db, tokens, bus, 60_000);
    const user = await handle.db.insertInto('users').values({ username: 'u', email: 'u@x.org', password_hash: 'h', interests: '[]', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    await sessions.start(user.id, {});
    const session = await handle.db.selectFrom('auth_sessions').select('id').executeTakeFirstOrThrow();
    const claims = { userId: user.id, sessionId: session.id, issuedAt: 0, expiresAt: 0 };

    slow.delayMs = 100;
    const inFlight = sessions.assertLive(claims); // has read "live"; the answer is slow to arrive
    await new Promise((r) => setTimeout(r, 20));
    slow.delayMs = 0;
    // Another node's logout is announced while that answer is on its way. (On Postgres the
    // other node's commit does not wait for our read; PGlite's single connection would queue
    // it behind the read, so the row is changed once the read is done.)
    await bus.publish('session.revoked', { userId: user.id, sessionIds: [session.id], reason: 'logout' });
    await inFlight; // this request started before the logout: it may pass
    await handle.db.updateTable('auth_sessions').set({ revoked_at: new Date() }).where('id', '=', session.id).execute();
    await assert.rejects(sessions.assertLive(claims), /revoked/, 'the next request must see the revocation');
    sessions.close();
  });
});
