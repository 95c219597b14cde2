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

/** Holds back the next SELECT result that has rows, as a slow database would, until released. */
class HeldSelects implements KyselyPlugin {
  private gate: { arrived: () => void; released: Promise<void> } | null = null;

  /** Resolves once the next result with rows has been read (and is being held); `release` lets it go. */
  holdNext(): { arrived: Promise<void>; release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrived = new Promise<void>((resolve) => (this.gate = { arrived: resolve, released }));
    return { arrived, release };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const gate = this.gate;
    if (gate && args.result.rows.length > 0) {
      this.gate = null;
      gate.arrived();
      await gate.released;
    }
    return args.result;
  }
}

describe('session cache', () => {
  let handle: DatabaseHandle;
  after(() => handle?.close());

  it('does not cache a "live" answer read while another node revoked the session', async () => {
    handle = await openDatabase({ pgliteDir: 'memory://' });
    await migrateToLatest(handle.db);
    const held = new HeldSelects();
    const db: Kysely<Database> = handle.db.withPlugin(held);
    const tokens = new TokenService({ issuer: 'i', audience: 'a', accessTtlSeconds: 900, refreshTtlSeconds: 3600, keys: { alg: 'HS256', secret: new TextEncoder().encode('x'.repeat(40)) } });
    const bus = createMemoryBus(createLogger('silent'));
    const sessions = new SessionService(db, tokens, bus, 60_000);
    const user = await handle.db.insertInto('users').values({ username: 'u', email: 'u@x.org', password_hash: 'h', interests: '[]', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    await sessions.start(user.id, {});
    const session = await handle.db.selectFrom('auth_sessions').select('id').executeTakeFirstOrThrow();
    const claims = { userId: user.id, sessionId: session.id, issuedAt: 0, expiresAt: 0 };

    const read = held.holdNext();
    const inFlight = sessions.assertLive(claims);
    await read.arrived; // it has read "live"; the answer is on its way
    // Another node's logout is announced while that answer is on its way. (On Postgres the
    // other node's commit does not wait for our read; PGlite's single connection would queue
    // it behind the read, so the row is changed once the read is done.)
    await bus.publish('session.revoked', { userId: user.id, sessionIds: [session.id], reason: 'logout' });
    read.release();
    await inFlight; // this request started before the logout: it may pass
    await handle.db.updateTable('auth_sessions').set({ revoked_at: new Date() }).where('id', '=', session.id).execute();
    await assert.rejects(sessions.assertLive(claims), /revoked/, 'the next request must see the revocation');
    sessions.close();
  });
});
