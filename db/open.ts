// openDatabase(): one Kysely<Database> for either dialect, chosen from configuration.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PgliteDialect } from './pglite-dialect.js';
import type { Database } from './types.js';

export type DialectName = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; without it an embedded PGlite database is used. */
  url?: string;
  poolMax?: number;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  pgliteDir: string;
}

const DATE_OID = 1082;
const INT8_OID = 20;
const keepText = (value: string): string => value;
// COUNT(*) and SUM() are int8; our counts stay far below 2^53.
const int8AsNumber = (value: string): number => Number(value);

function openPostgres(url: string, poolMax: number): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return keepText;
        if (oid === INT8_OID) return int8AsNumber;
        return pg.types.getTypeParser(oid, format) as unknown;
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

type PgliteModules = Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule'>;
// WebAssembly's types come with the DOM library, not Node's: a compiled module is opaque here.
type CompiledWasm = object;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledWasm> } }).WebAssembly;

let compiledModules: Promise<PgliteModules> | null = null;

/**
 * PGlite's WebAssembly, compiled once and kept for the life of the process, shared by every
 * database it opens. Left to itself, V8 frees a module's machine code once its last database
 * is gone, and in a run opening hundreds of databases Node 24.21 once crashed doing so
 * (`Check failed` in UnregisterWasmAllocation). Without the files where expected, PGlite loads
 * its own.
 */
function pgliteModules(): Promise<PgliteModules> {
  compiledModules ??= (async () => {
    try {
      const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
      const compile = async (file: string) => wasm.compile(await fs.promises.readFile(path.join(dist, file)));
      const [pgliteWasmModule, initdbWasmModule] = await Promise.all([compile('pglite.wasm'), compile('initdb.wasm')]);
      return { pgliteWasmModule, initdbWasmModule };
    } catch {
      return {};
    }
  })();
  return compiledModules;
}

let freshCluster: Promise<Blob> | null = null;

/**
 * The data directory of a database cluster just made by initdb, made once for the process.
 * initdb is most of what opening a PGlite costs (seconds under WebAssembly), and a run of the
 * tests opens a throw-away database in memory for almost every server it starts: each of those
 * now starts from a copy of this instead of running initdb again. The copy holds nothing initdb
 * did not write.
 */
function freshClusterImage(modules: PgliteModules): Promise<Blob> {
  freshCluster ??= (async () => {
    const pglite = await PGlite.create('memory://', modules);
    try {
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  })().catch((err: unknown) => {
    freshCluster = null; // the next open tries again
    throw err;
  });
  return freshCluster;
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) fs.mkdirSync(dir, { recursive: true });
  const modules = await pgliteModules();
  const pglite = await PGlite.create(dir, {
    ...modules,
    ...(inMemory ? { loadDataDir: await freshClusterImage(modules) } : {}),
    parsers: { [DATE_OID]: keepText, [INT8_OID]: int8AsNumber },
  });
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
  return {
    db,
    dialect: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) return openPostgres(options.url, options.poolMax ?? 10);
  return openPglite(options.pgliteDir);
}

/** Postgres error codes we act on. */
export const PG_UNIQUE_VIOLATION = '23505';

export function uniqueViolation(err: unknown): { constraint: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  if (code !== PG_UNIQUE_VIOLATION) return null;
  return { constraint: typeof constraint === 'string' ? constraint : '' };
}
