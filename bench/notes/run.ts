// bench/notes: the automerge-paper editing trace (259,778 keystrokes, one update each)
// replayed through our notes server, Hocuspocus and the reference @y/websocket-server, each
// with persistence on, each in its own process, runs alternating. Measured:
//   throughput   keystroke updates per second from the first send until a second client
//                holds endContent (the writer sends pre-made updates as fast as the socket
//                takes them; the server applies, stores and broadcasts)
//   latency      p50/p99 from a keystroke to the second client, typing 500 keys/s
//   memory       server RSS and heap after the replay (after a GC)
//   stored       bytes stored for the paper once the server settled, vs encodeStateAsUpdate
//                (logical; and on disk where the database compresses)
//   cold load    the paper not in memory (unloaded when idle), process warm: connect until a
//                client holds it (median of 3); for ours also the database read an open waits
//                for, and applying the state (which ours defers to the first edit); and the
//                first load after a process restart
//   SIGKILL      typing one key per 2 ms, kill -9 after 1.5 s, restart: what was lost
// The same small client (client.ts) speaks to all three. Peers are optional dev dependencies:
// a missing one is reported and skipped.
//
//   npx tsx bench/notes/run.ts                        # PGlite on disk (embedded)
//   DATABASE_URL=postgres://… npx tsx bench/notes/run.ts
//   BENCH_RUNS=3 BENCH_TARGETS=ours,hocuspocus,reference
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import { createScratchDatabase, type ScratchDatabase } from '../../test/helpers/postgres.js';
import { BenchClient } from './client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TRACE = path.resolve(here, '../../../shared/data/editing-traces/automerge-paper.json.gz');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const targets = (process.env.BENCH_TARGETS ?? 'ours,hocuspocus,reference').split(',') as Mode[];
const LATENCY_KEYS = 2000;
const LATENCY_INTERVAL_MS = 2;
const COLD_LOADS = 3;
/** Long enough for every server to unload an idle document and store it (ours: 1 s idle). */
const SETTLE_MS = 2500;
const KILL_AFTER_MS = 1500;

type Mode = 'ours' | 'hocuspocus' | 'reference';
const LABELS: Record<Mode, string> = { ours: 'Roundtable', hocuspocus: '@hocuspocus/server', reference: '@y/websocket-server' };

interface Server {
  mode: Mode;
  child: ChildProcess;
  url: string;
  /** The access token ours needs; the peers accept anyone. */
  token: string;
  request<T>(cmd: 'memory' | 'stored' | 'load' | 'close', doc?: string): Promise<T>;
}

interface Sample {
  updatesPerSecond: number;
  p50: number;
  p99: number;
  rssMb: number;
  heapMb: number;
  baseRssMb: number;
  coldMs: number;
  /** Ours: the database read an open waits for, and applying the state (at the first edit). */
  serverLoad: { readMs: number; applyMs: number } | null;
}

interface Stored {
  bytes: number;
  diskBytes?: number;
  stateBytes: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// ---- servers ----

const storage = new Map<Mode, { dataDir: string; scratch: ScratchDatabase | null }>();

async function storageFor(mode: Mode) {
  let s = storage.get(mode);
  if (!s) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `rt-bench-notes-${mode}-`));
    const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : null;
    s = { dataDir, scratch };
    storage.set(mode, s);
  }
  return s;
}

async function json(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (!res.ok && res.status !== 409) throw new Error(`${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

async function startServer(mode: Mode): Promise<Server | { unavailable: string }> {
  const { dataDir, scratch } = await storageFor(mode);
  const child = fork(path.join(here, 'servers.ts'), [mode], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? '', REDIS_URL: '', NODE_ENV: 'production', LOG_LEVEL: 'warn', JWT_SECRET: 'bench-notes-secret-long-enough-0123456789' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const first = await new Promise<{ url?: string; unavailable?: string }>((resolve, reject) => {
    child.once('message', (m: { url?: string; unavailable?: string }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  if (first.unavailable) return { unavailable: first.unavailable };
  let nextId = 0;
  const server: Server = {
    mode,
    child,
    url: first.url as string,
    token: '',
    request<T>(cmd: 'memory' | 'stored' | 'load' | 'close', doc?: string) {
      const id = ++nextId;
      return new Promise<T>((resolve) => {
        const onMessage = (m: { id?: number } & T) => {
          if (m.id !== id) return;
          child.off('message', onMessage);
          resolve(m);
        };
        child.on('message', onMessage);
        child.send({ id, cmd, doc });
      });
    },
  };
  if (mode === 'ours') {
    const credentials = { username: 'benchwriter', email: 'benchwriter@example.org', password: 'benchmark-pass-1' };
    await json(`${server.url}/auth/users`, credentials);
    server.token = (await json(`${server.url}/auth/jwt/create`, { username: credentials.username, password: credentials.password })).access as string;
  }
  return server;
}

async function stopServer(server: Server, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return; // it closed itself
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill(signal);
  await exited;
}

function connect(server: Server, docName: string, doc = new Y.Doc()): BenchClient {
  const ws = server.url.replace('http', 'ws');
  if (server.mode === 'ours') return new BenchClient(`${ws}/collab/${docName}?token=${server.token}`, doc);
  if (server.mode === 'hocuspocus') return new BenchClient(ws, doc, { hocuspocus: { documentName: docName, token: 'bench' } });
  return new BenchClient(`${ws}/${docName}`, doc);
}

/** Resolves when the client's text is `expected`. */
function reaches(client: BenchClient, expected: string): Promise<void> {
  const text = client.doc.getText('minutes');
  return new Promise((resolve) => {
    const check = () => {
      if (text.length !== expected.length || text.toString() !== expected) return;
      client.doc.off('afterAllTransactions', check);
      resolve();
    };
    client.doc.on('afterAllTransactions', check);
    check();
  });
}

// ---- phases ----

interface Trace {
  endContent: string;
  txns: Array<{ patches: Array<[number, number, string]> }>;
}

/** Every keystroke of the trace as its own Yjs update, made once for all servers. */
function keystrokeUpdates(trace: Trace): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const text = doc.getText('minutes');
  for (const txn of trace.txns) {
    for (const [position, deleted, inserted] of txn.patches) {
      if (deleted > 0) text.delete(position, deleted);
      if (inserted) text.insert(position, inserted);
    }
  }
  if (text.toString() !== trace.endContent) throw new Error('the trace did not replay to endContent');
  doc.destroy();
  return updates;
}

async function replay(server: Server, docName: string, updates: Uint8Array[], endContent: string): Promise<{ ms: number; reader: BenchClient }> {
  const writer = connect(server, docName);
  const reader = connect(server, docName);
  await Promise.all([writer.synced, reader.synced]);
  const done = reaches(reader, endContent);
  const started = performance.now();
  for (const [i, update] of updates.entries()) {
    writer.sendUpdate(update);
    // Yield now and then so the reader (same process) reads; never run far ahead of the socket.
    if (i % 500 === 499) {
      await new Promise((r) => setImmediate(r));
      while (writer.ws.bufferedAmount > 4 * 1024 * 1024) await sleep(1);
    }
  }
  await done;
  const ms = performance.now() - started;
  await writer.close();
  return { ms, reader };
}

async function latency(server: Server, docName: string): Promise<number[]> {
  const writerDoc = new Y.Doc();
  const writer = connect(server, docName, writerDoc);
  const reader = connect(server, docName);
  await Promise.all([writer.synced, reader.synced]);
  const sentAt: number[] = [];
  const samples: number[] = [];
  const readerText = reader.doc.getText('minutes');
  reader.doc.on('afterAllTransactions', () => {
    const now = performance.now();
    for (let i = samples.length; i < readerText.length; i += 1) samples.push(now - (sentAt[i] as number));
  });
  const text = writerDoc.getText('minutes');
  for (let i = 0; i < LATENCY_KEYS; i += 1) {
    sentAt.push(performance.now());
    text.insert(text.length, String.fromCharCode(97 + (i % 26)));
    await sleep(LATENCY_INTERVAL_MS);
  }
  const deadline = Date.now() + 10_000;
  while (samples.length < LATENCY_KEYS && Date.now() < deadline) await sleep(5);
  await Promise.all([writer.close(), reader.close()]);
  return samples;
}

/** Connects until the client holds `endContent`, in ms. */
async function timeToLoad(server: Server, docName: string, endContent: string): Promise<number> {
  const started = performance.now();
  const client = connect(server, docName);
  await reaches(client, endContent);
  const ms = performance.now() - started;
  await client.close();
  return ms;
}

async function loadAfterRestart(mode: Mode, docName: string, endContent: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD_LOADS; i += 1) {
    const server = (await startServer(mode)) as Server;
    times.push(await timeToLoad(server, docName, endContent));
    await server.request('close');
    await stopServer(server);
  }
  return times;
}

async function sigkill(mode: Mode): Promise<{ sent: number; kept: number; lostMs: number }> {
  const server = (await startServer(mode)) as Server;
  const doc = new Y.Doc();
  const writer = connect(server, 'bench.crash', doc);
  await writer.synced;
  const text = doc.getText('minutes');
  const sentAt: number[] = [];
  const typing = setInterval(() => {
    text.insert(text.length, `${sentAt.length};`);
    sentAt.push(Date.now());
  }, 2);
  await sleep(KILL_AFTER_MS);
  clearInterval(typing);
  const killedAt = Date.now();
  await stopServer(server, 'SIGKILL');
  await writer.close();
  const again = (await startServer(mode)) as Server;
  const reader = connect(again, 'bench.crash');
  await reader.synced;
  await sleep(200);
  const kept = reader.doc.getText('minutes').toString().split(';').filter(Boolean).length;
  await reader.close();
  await again.request('close');
  await stopServer(again);
  return { sent: sentAt.length, kept, lostMs: kept === 0 ? killedAt - (sentAt[0] ?? killedAt) : killedAt - (sentAt[kept - 1] as number) };
}

// ---- main ----

const trace = JSON.parse(gunzipSync(fs.readFileSync(TRACE)).toString()) as Trace;
const updates = keystrokeUpdates(trace);
console.log(`automerge-paper: ${updates.length} keystroke updates, endContent ${trace.endContent.length} chars; node ${process.version}; database ${process.env.DATABASE_URL ? 'postgres' : 'pglite on disk'}`);

const available: Mode[] = [];
for (const mode of targets) {
  const probe = await startServer(mode);
  if ('unavailable' in probe) {
    console.log(`${LABELS[mode]} is not installed (${probe.unavailable}); skipped. Install it with: npm i -D ${mode === 'hocuspocus' ? '@hocuspocus/server@3.4.4' : '@y/websocket-server@0.1.1'}`);
    continue;
  }
  await probe.request('close');
  await stopServer(probe);
  available.push(mode);
}

const samples = new Map<Mode, Sample[]>(available.map((m) => [m, []]));
const stored = new Map<Mode, Stored>();
try {
  for (let run = 1; run <= runs; run += 1) {
    for (const mode of available) {
      const server = (await startServer(mode)) as Server;
      const base = await server.request<{ rss: number }>('memory');
      const docName = `bench.paper-${run}`;
      const { ms, reader } = await replay(server, docName, updates, trace.endContent);
      const memory = await server.request<{ rss: number; heapUsed: number }>('memory');
      const stateBytes = Y.encodeStateAsUpdate(reader.doc).length;
      await reader.close();
      await sleep(SETTLE_MS); // idle unload and compaction, debounced stores
      stored.set(mode, { ...(await server.request<{ bytes: number; diskBytes?: number }>('stored', docName)), stateBytes });
      const lat = await latency(server, `bench.latency-${run}`);
      await sleep(SETTLE_MS);
      const cold: number[] = [];
      const serverLoads: Array<{ readMs: number; applyMs: number }> = [];
      for (let i = 0; i < COLD_LOADS; i += 1) {
        cold.push(await timeToLoad(server, docName, trace.endContent));
        await sleep(SETTLE_MS); // unloaded again
        const { load } = await server.request<{ load: { readMs: number; applyMs: number } | null }>('load', docName);
        if (load) serverLoads.push(load);
      }
      await server.request('close');
      await stopServer(server);
      const sample: Sample = {
        updatesPerSecond: updates.length / (ms / 1000),
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        rssMb: mb(memory.rss),
        heapMb: mb(memory.heapUsed),
        baseRssMb: mb(base.rss),
        coldMs: median(cold),
        serverLoad: serverLoads.length > 0 ? { readMs: median(serverLoads.map((l) => l.readMs)), applyMs: median(serverLoads.map((l) => l.applyMs)) } : null,
      };
      samples.get(mode)?.push(sample);
      console.log(
        `run ${run} ${LABELS[mode]}: ${Math.round(sample.updatesPerSecond)} updates/s (${Math.round(ms)} ms), latency p50 ${sample.p50.toFixed(1)} ms p99 ${sample.p99.toFixed(1)} ms, ` +
          `RSS ${sample.baseRssMb} → ${sample.rssMb} MB, heap ${sample.heapMb} MB, cold load ${Math.round(sample.coldMs)} ms${sample.serverLoad ? ` (database read ${Math.round(sample.serverLoad.readMs)} ms, applying it ${Math.round(sample.serverLoad.applyMs)} ms)` : ''}`,
      );
    }
  }

  const restart = new Map<Mode, number>();
  const kill = new Map<Mode, { sent: number; kept: number; lostMs: number }>();
  for (const mode of available) {
    restart.set(mode, median(await loadAfterRestart(mode, `bench.paper-${runs}`, trace.endContent)));
    kill.set(mode, await sigkill(mode));
  }

  console.log(`\nmedians of ${runs} runs; database ${process.env.DATABASE_URL ? 'postgres' : 'pglite on disk'}; node ${process.version}`);
  console.log('| server | updates/s | p50 ms | p99 ms | RSS MB start → after (Δ) | heap MB | stored bytes (× encodeStateAsUpdate) | on disk | cold load ms (ours: database read + applying it at the first edit) | first load after restart ms | SIGKILL: edits lost (ms of typing) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const mode of available) {
    const list = samples.get(mode) ?? [];
    const s = stored.get(mode);
    const k = kill.get(mode);
    const pick = (f: (x: Sample) => number) => median(list.map(f));
    const loads = list.map((x) => x.serverLoad).filter((x): x is { readMs: number; applyMs: number } => x !== null);
    console.log(
      `| ${LABELS[mode]} | ${Math.round(pick((x) => x.updatesPerSecond))} | ${pick((x) => x.p50).toFixed(1)} | ${pick((x) => x.p99).toFixed(1)} | ` +
        `${pick((x) => x.baseRssMb)} → ${pick((x) => x.rssMb)} (+${Math.round(pick((x) => x.rssMb - x.baseRssMb))}) | ${pick((x) => x.heapMb)} | ` +
        `${s?.bytes} (${s ? (s.bytes / s.stateBytes).toFixed(2) : '?'}×) | ${s?.diskBytes ?? 'n/a'} | ${Math.round(pick((x) => x.coldMs))}${loads.length > 0 ? ` (${Math.round(median(loads.map((l) => l.readMs)))} + ${Math.round(median(loads.map((l) => l.applyMs)))})` : ''} | ` +
        `${Math.round(restart.get(mode) ?? 0)} | ${k ? `${k.sent - k.kept} of ${k.sent} (${k.lostMs} ms)` : ''} |`,
    );
  }
  const ours = samples.get('ours');
  const hp = samples.get('hocuspocus');
  if (ours && hp) console.log(`throughput ratio Roundtable / Hocuspocus: ${(median(ours.map((x) => x.updatesPerSecond)) / median(hp.map((x) => x.updatesPerSecond))).toFixed(2)} (target ≥ 1.5)`);
} finally {
  for (const { dataDir, scratch } of storage.values()) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}
