// bench/http: authenticated GET /api/me on Roundtable against a bare Express JSON route
// (the ratio the target is set on) and, on Postgres, against bare Express reading the same
// user row through pg (what any Postgres-backed route costs on this machine).
// Each server runs in a child process with the same Node flags and environment; autocannon
// runs here. Runs alternate (bare, ours, bare, ours, …) so machine noise hits both alike;
// medians of the runs are reported with the ratio ours/bare.
//
//   npm run bench:http                      # PGlite (embedded)
//   DATABASE_URL=postgres://… npm run bench:http
//   BENCH_RUNS=3 BENCH_SECONDS=10 BENCH_CONNECTIONS=100 BENCH_PIPELINING=10
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 100);
const pipelining = Number(process.env.BENCH_PIPELINING ?? 10);

interface Target {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  child: ChildProcess;
}

interface Sample {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

function startChild(mode: string, env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child: ChildProcess = fork(path.join(here, 'servers.ts'), [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function json(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

function measure(target: Target, duration: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: target.url + target.path, headers: target.headers, connections, pipelining, duration },
      (err, result) => {
        if (err) return reject(err);
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx });
      },
    );
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-'));
const env = { ...process.env, DATA_DIR: dataDir, RATE_LIMIT_AUTH_PER_IP: '100000' };
const children: ChildProcess[] = [];
const started = async (mode: string) => {
  try {
    const target = await startChild(mode, env);
    children.push(target.child);
    return target;
  } catch (err) {
    for (const child of children) child.kill();
    throw err;
  }
};
const bare = await started('bare');
const ours = await started('roundtable');
const bareDb = process.env.DATABASE_URL ? await started('bare-db') : null;
try {
  const username = `bench${Date.now()}`;
  const user = await json(`${ours.url}/auth/users`, { username, email: `${username}@example.org`, password: 'benchmark-pass-1' });
  const tokens = await json(`${ours.url}/auth/jwt/create`, { username, password: 'benchmark-pass-1' });
  const targets: Target[] = [
    { name: 'bare express GET /hello', url: bare.url, path: '/hello', headers: {}, child: bare.child },
    ...(bareDb ? [{ name: 'bare express + pg GET /users/:id', url: bareDb.url, path: `/users/${user.id}`, headers: {}, child: bareDb.child }] : []),
    { name: 'roundtable GET /api/me', url: ours.url, path: '/api/me', headers: { authorization: `Bearer ${tokens.access}` }, child: ours.child },
  ];
  for (const target of targets) await measure(target, 2); // warm-up
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (let run = 1; run <= runs; run += 1) {
    for (const target of targets) {
      const sample = await measure(target, seconds);
      samples.get(target.name)?.push(sample);
      console.log(`run ${run} ${target.name}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, errors ${sample.errors}, non-2xx ${sample.non2xx}`);
    }
  }
  const summary = targets.map((t) => {
    const list = samples.get(t.name) ?? [];
    return { name: t.name, rps: median(list.map((s) => s.rps)), p99: median(list.map((s) => s.p99)), failures: list.reduce((n, s) => n + s.errors + s.non2xx, 0) };
  });
  const baseline = summary[0] as (typeof summary)[number];
  const subject = summary[summary.length - 1] as (typeof summary)[number];
  console.log(`\nmedians of ${runs} runs × ${seconds} s, -c ${connections} -p ${pipelining}, database: ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}, node ${process.version}`);
  console.log('| target | req/s | p99 ms | failed requests |');
  console.log('|---|---|---|---|');
  for (const row of summary) console.log(`| ${row.name} | ${Math.round(row.rps)} | ${row.p99} | ${row.failures} |`);
  console.log(`ratio (roundtable / bare express): ${(subject.rps / baseline.rps).toFixed(2)}`);
  if (summary.length === 3) {
    const floor = summary[1] as (typeof summary)[number];
    console.log(`ratio (bare express + pg / bare express): ${(floor.rps / baseline.rps).toFixed(2)}`);
    console.log(`ratio (roundtable / bare express + pg): ${(subject.rps / floor.rps).toFixed(2)}`);
  }
} finally {
  for (const child of children) child.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
