// A notes server for the benchmark, in its own process, reporting over IPC:
//   ours        Roundtable from the composition root (group-committed log in PGlite/Postgres)
//   hocuspocus  @hocuspocus/server with the usual database persistence (onLoadDocument /
//               onStoreDocument, full state per document, Hocuspocus' default debounce)
//   reference   @y/websocket-server with its own persistence (y-leveldb, every update stored)
// Peers are optional dev dependencies, imported only here: when one is missing the process
// says so ({unavailable}) and exits. Data lives in DATA_DIR (PGlite, LevelDB) or DATABASE_URL.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import * as Y from 'yjs';
import { startRoundtable } from '../../server/compose.js';
import { loadConfig } from '../../shared/config.js';

const mode = process.argv[2] ?? '';
const dataDir = process.env.DATA_DIR as string;

interface Target {
  url: string;
  storedBytes(doc: string): Promise<{ bytes: number; diskBytes?: number }>;
  /** Ours only: reading a document from the database as an open does (its state applied later), and applying it, in ms. */
  loadMs?(doc: string): Promise<{ readMs: number; applyMs: number }>;
  close(): Promise<void>;
}

/** The SQL the Hocuspocus persistence needs, on Postgres or PGlite like ours. */
async function openSql(): Promise<(text: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>> {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    return async (text, params) => (await pool.query<Record<string, unknown>>(text, params)).rows;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(path.join(dataDir, 'pg'));
  return async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows;
}

async function ours(): Promise<Target> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SFU_WORKERS: '0', MODELS: 'none', NOTES_MESSAGES_PER_SECOND: '0', NOTES_IDLE_SECONDS: '1' });
  const app = await startRoundtable(config, { notesAuthorizer: async (_userId, doc) => (doc.startsWith('bench.') ? 'write' : null) });
  const store = app.notesStore;
  if (!store) throw new Error('notes store missing');
  return {
    url: app.url,
    async storedBytes(doc) {
      await store.flush();
      await store.compact(doc); // a no-op when the idle unload already compacted it
      const { rows } = await sql<{ disk: number }>`
        select coalesce((select pg_column_size(state) from notes_snapshots where doc = ${doc}), 0)
             + coalesce((select sum(pg_column_size(update)) from notes_updates where doc = ${doc}), 0) as disk`.execute(app.database.db);
      return { bytes: await store.storedBytes(doc), diskBytes: Number(rows[0]?.disk ?? 0) };
    },
    async loadMs(doc) {
      const started = performance.now();
      const { doc: loaded, state } = await store.load(doc, { defer: true });
      const read = performance.now();
      if (state) Y.applyUpdate(loaded, state);
      const applied = performance.now();
      loaded.destroy();
      return { readMs: read - started, applyMs: applied - read };
    },
    close: () => app.close(),
  };
}

async function hocuspocus(): Promise<Target> {
  const { Server } = await import('@hocuspocus/server');
  const query = await openSql();
  await query('create table if not exists hp_documents (name text primary key, state bytea not null)', []);
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    stopOnSignals: false,
    async onLoadDocument({ documentName, document }) {
      const rows = await query('select state from hp_documents where name = $1', [documentName]);
      const state = rows[0]?.state as Uint8Array | undefined;
      if (state) Y.applyUpdate(document, state);
      return document;
    },
    async onStoreDocument({ documentName, document }) {
      const state = Buffer.from(Y.encodeStateAsUpdate(document));
      await query('insert into hp_documents (name, state) values ($1, $2) on conflict (name) do update set state = excluded.state', [documentName, state]);
    },
  });
  await server.listen();
  return {
    url: `http://127.0.0.1:${server.address.port}`,
    async storedBytes(doc) {
      const rows = await query('select length(state) as bytes, pg_column_size(state) as disk from hp_documents where name = $1', [doc]);
      return { bytes: Number(rows[0]?.bytes ?? 0), diskBytes: Number(rows[0]?.disk ?? 0) };
    },
    close: () => server.destroy(),
  };
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : fs.statSync(full).size;
  }
  return total;
}

async function reference(): Promise<Target> {
  const leveldb = path.join(dataDir, 'leveldb');
  process.env.YPERSISTENCE = leveldb; // read when the module loads
  const { setupWSConnection, getPersistence } = await import('@y/websocket-server/utils');
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((_req, res) => res.end('ok'));
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    storedBytes: async () => ({ bytes: directoryBytes(leveldb) }),
    async close() {
      wss.close();
      await new Promise((resolve) => server.close(resolve));
      await (getPersistence() as { provider?: { destroy(): Promise<void> } } | null)?.provider?.destroy();
    },
  };
}

const starters: Record<string, () => Promise<Target>> = { ours, hocuspocus, reference };
const start = starters[mode];
if (!start) throw new Error(`unknown mode ${mode}`);
let target: Target;
try {
  target = await start();
} catch (err) {
  const code = (err as NodeJS.ErrnoException).code;
  if (mode !== 'ours' && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')) {
    process.send?.({ unavailable: (err as Error).message.split('\n')[0] });
    process.exit(0);
  }
  throw err;
}

process.on('message', (message: { id: number; cmd: 'memory' | 'stored' | 'load' | 'close'; doc?: string }) => {
  void (async () => {
    if (message.cmd === 'close') {
      await target.close();
      process.send?.({ id: message.id });
      process.exit(0);
    } else if (message.cmd === 'memory') {
      globalThis.gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({ id: message.id, rss, heapUsed });
    } else if (message.cmd === 'load') {
      process.send?.({ id: message.id, load: (await target.loadMs?.(message.doc ?? '')) ?? null });
    } else {
      process.send?.({ id: message.id, ...(await target.storedBytes(message.doc ?? '')) });
    }
  })();
});
process.send?.({ url: target.url });
