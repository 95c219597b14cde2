// Starts a real Roundtable (the same composition root as `npm start`) on a free port.
// Database: a fresh PGlite in memory, or a fresh Postgres database when DATABASE_URL is set.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startRoundtable, type Roundtable } from '../../server/compose.js';
import type { NotesAuthorizer } from '../../server/notes/server.js';
import type { Clock } from '../../shared/clock.js';
import { loadConfig, type Config } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createScratchDatabase, type ScratchDatabase } from './postgres.js';
import { serviceUrl } from './services.js';
import { HttpClient } from './http.js';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface TestServer {
  app: Roundtable;
  config: Config;
  url: string;
  http: HttpClient;
  /** Every log line the server wrote, as raw JSON text. */
  logs: string[];
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a data directory (restart tests); a new temp directory otherwise. */
  dataDir?: string;
  /** Reuse a database URL (two nodes on one database); a fresh one otherwise. */
  databaseUrl?: string;
  /** Keep the PGlite database on disk in dataDir instead of memory. */
  persistentPglite?: boolean;
  /** Mounts the notes endpoint with this policy. */
  notesAuthorizer?: NotesAuthorizer;
  /** The server's clock for grace periods, rate windows and sweeps (a ManualClock moves them at once). */
  clock?: Clock;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rt-test-'));
  let scratch: ScratchDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  const postgres = serviceUrl('postgres');
  if (!databaseUrl && postgres && !options.persistentPglite) {
    scratch = await createScratchDatabase(postgres);
    databaseUrl = scratch.url;
  }
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    JWT_SECRET: TEST_JWT_SECRET,
    SFU_WORKERS: '0',
    MODELS: 'none',
    RATE_LIMIT_AUTH_PER_IP: '100000',
    RATE_LIMIT_AUTH_PER_ACCOUNT: '1000',
    REDIS_URL: serviceUrl('redis'),
    REDIS_PREFIX: `rt-test-${randomBytes(4).toString('hex')}:`,
    DATABASE_URL: databaseUrl,
    ...options.env,
  };
  const config = loadConfig(env);
  if (!databaseUrl && !options.persistentPglite) config.database.pgliteDir = 'memory://';
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      if (process.env.SHOW_SERVER_LOGS) process.stderr.write(chunk);
      done();
    },
  });
  const app = await startRoundtable(config, { logger: createLogger(config.logLevel, sink), notesAuthorizer: options.notesAuthorizer, clock: options.clock });
  return {
    app,
    config,
    url: app.url,
    http: new HttpClient(app.url),
    logs,
    dataDir,
    async close() {
      await app.close();
      await scratch?.drop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
