// bench/http: authenticated GET /api/me on Roundtable against a bare Express JSON route
// (the ratio the target is set on) and, on Postgres, against bare Express reading the same
// user row through pg (what any Postgres-backed route costs on this machine).
// Then club discovery on BENCH_CLUBS seeded clubs (10,000 by default; 0 skips it): search by
// words (GET /api/clubs?q=), the default listing (GET /api/clubs) and GET /api/clubs/recommended
// for a reader with interests, two clubs and a reading history. These routes do far more work
// per request, so they run at a lighter load (BENCH_HEAVY_CONNECTIONS, BENCH_HEAVY_PIPELINING)
// and bare Express is measured again at that same load for their ratio.
// Token verification: GET /api/me also runs on the same server with the former verified-token
// cache put back in front of verifyAccess (servers.ts roundtable-cached), and, with
// BENCH_BEFORE=<directory of another checkout>, on that checkout's server ("before"), in the
// same run. BENCH_JWT=es256 signs with a generated P-256 key pair instead of HS256.
// Each server runs in a child process with the same Node flags and environment; autocannon
// runs here. Runs alternate (bare, ours, bare, ours, …) so machine noise hits both alike;
// medians of the runs are reported with the ratio ours/bare.
//
//   npm run bench:http                      # PGlite (embedded)
//   DATABASE_URL=postgres://… npm run bench:http
//   BENCH_RUNS=3 BENCH_SECONDS=10 BENCH_CONNECTIONS=100 BENCH_PIPELINING=10
//   BENCH_CLUBS=10000 BENCH_HEAVY_CONNECTIONS=10 BENCH_HEAVY_PIPELINING=1 BENCH_ONLY=clubs
//   git archive <commit> | tar -x -C /tmp/rt-before && ln -s "$PWD/node_modules" /tmp/rt-before/
//   BENCH_ONLY=me BENCH_BEFORE=/tmp/rt-before npm run bench:http
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const light: Load = { connections: Number(process.env.BENCH_CONNECTIONS ?? 100), pipelining: Number(process.env.BENCH_PIPELINING ?? 10) };
const heavy: Load = { connections: Number(process.env.BENCH_HEAVY_CONNECTIONS ?? 10), pipelining: Number(process.env.BENCH_HEAVY_PIPELINING ?? 1) };
const clubCount = Number(process.env.BENCH_CLUBS ?? 10_000);
/** 'me' runs only the /api/me comparison, 'clubs' only the club routes; both by default. */
const only = process.env.BENCH_ONLY ?? 'all';

interface Load {
  connections: number;
  pipelining: number;
}

interface Target {
  name: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  load: Load;
  /** Bare Express at the same load: the one this target's ratio is taken against. */
  baseline: boolean;
}

interface Sample {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
}

/** `root`: the checkout whose bench/http/servers.ts runs (this one by default). */
function startChild(mode: string, env: NodeJS.ProcessEnv, root = path.join(here, '..', '..')): Promise<{ url: string; child: ChildProcess }> {
  const child: ChildProcess = fork(path.join(root, 'bench', 'http', 'servers.ts'), [mode], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

async function call(url: string, method: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(url, { method, headers, body: JSON.stringify(body) });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

const json = (url: string, body: unknown) => call(url, 'POST', body);

function measure(target: Target, duration: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    autocannon({ url: target.url + target.path, headers: target.headers, ...target.load, duration }, (err, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx });
    });
  });
}

/** Gives the bench reader what recommendations weigh: interests, two clubs, a reading history. */
async function prepareReader(ours: { url: string; child: ChildProcess }, token: string, userId: unknown): Promise<void> {
  await call(`${ours.url}/api/me`, 'PATCH', { interests: ['fantasy', 'poetry', '소설'] }, token);
  const schedule = (weekday: number) => ({ times: 1, period: 'week', weekdays: [weekday], start_time: '19:00', duration_minutes: 120, time_zone: 'Europe/Berlin' });
  await call(`${ours.url}/api/clubs`, 'POST', { kind: 'book', title: 'Bench readers', keywords: ['fantasy'], schedule: schedule(2) }, token);
  await call(`${ours.url}/api/clubs`, 'POST', { kind: 'study', title: 'Bench study', schedule: schedule(4) }, token);
  await new Promise<void>((resolve) => {
    ours.child.on('message', (m: { seeded?: string }) => m.seeded === 'reading-logs' && resolve());
    ours.child.send({ seed: 'reading-logs', userId });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const loadLabel = (load: Load) => `-c ${load.connections} -p ${load.pipelining}`;
const sameLoad = (a: Load, b: Load) => a.connections === b.connections && a.pipelining === b.pipelining;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-'));
const withClubs = only !== 'me' && clubCount > 0;
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, RATE_LIMIT_AUTH_PER_IP: '100000', BENCH_CLUBS: withClubs ? String(clubCount) : '0' };
// One secret or key pair for every server, so no server generates its own.
env.JWT_SECRET ??= randomBytes(32).toString('hex');
if (process.env.BENCH_JWT === 'es256') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  env.JWT_PRIVATE_KEY_FILE = path.join(dataDir, 'jwt-private.pem');
  env.JWT_PUBLIC_KEY_FILE = path.join(dataDir, 'jwt-public.pem');
  fs.writeFileSync(env.JWT_PRIVATE_KEY_FILE, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(env.JWT_PUBLIC_KEY_FILE, publicKey.export({ type: 'spki', format: 'pem' }));
}
const children: ChildProcess[] = [];
/** Each server has its own DATA_DIR (an embedded PGlite database cannot be shared). */
const started = async (mode: string, root?: string, extra: NodeJS.ProcessEnv = {}) => {
  try {
    const own = fs.mkdtempSync(path.join(dataDir, `${mode}-`));
    const target = await startChild(mode, { ...env, DATA_DIR: own, ...extra }, root);
    children.push(target.child);
    return target;
  } catch (err) {
    for (const child of children) child.kill();
    throw err;
  }
};
const bare = await started('bare');
const ours = await started('roundtable');
const bareDb = process.env.DATABASE_URL && only !== 'clubs' ? await started('bare-db') : null;
// Peers for GET /api/me only: they seed no clubs.
const cached = only !== 'clubs' ? await started('roundtable-cached', undefined, { BENCH_CLUBS: '0' }) : null;
const before = process.env.BENCH_BEFORE && only !== 'clubs' ? await started('roundtable', path.resolve(process.env.BENCH_BEFORE), { BENCH_CLUBS: '0' }) : null;

/** A new account on `server` and the Authorization header of its access token. */
async function login(server: { url: string }): Promise<{ user: Record<string, unknown>; access: string; auth: Record<string, string> }> {
  const username = `bench${randomBytes(6).toString('hex')}`;
  const user = await json(`${server.url}/auth/users`, { username, email: `${username}@example.org`, password: 'benchmark-pass-1' });
  const tokens = await json(`${server.url}/auth/jwt/create`, { username, password: 'benchmark-pass-1' });
  const access = String(tokens.access);
  return { user, access, auth: { authorization: `Bearer ${access}` } };
}

const ME = 'roundtable GET /api/me';
const ME_CACHED = 'roundtable GET /api/me, verified-token cache';
const ME_BEFORE = 'before GET /api/me';
try {
  const { user, access, auth } = await login(ours);
  const targets: Target[] = [];
  if (only !== 'clubs') {
    targets.push(
      { name: 'bare express GET /hello', url: bare.url, path: '/hello', headers: {}, load: light, baseline: true },
      ...(bareDb ? [{ name: 'bare express + pg GET /users/:id', url: bareDb.url, path: `/users/${Number(user.id)}`, headers: {}, load: light, baseline: false }] : []),
      { name: ME, url: ours.url, path: '/api/me', headers: auth, load: light, baseline: false },
    );
    if (cached) targets.push({ name: ME_CACHED, url: cached.url, path: '/api/me', headers: (await login(cached)).auth, load: light, baseline: false });
    if (before) targets.push({ name: ME_BEFORE, url: before.url, path: '/api/me', headers: (await login(before)).auth, load: light, baseline: false });
  }
  if (withClubs) {
    await prepareReader(ours, access, user.id);
    const clubs = `${clubCount.toLocaleString('en')} clubs`;
    targets.push(
      { name: 'bare express GET /hello', url: bare.url, path: '/hello', headers: {}, load: heavy, baseline: true },
      { name: `roundtable GET /api/clubs?q=tol (${clubs})`, url: ours.url, path: '/api/clubs?q=tol', headers: auth, load: heavy, baseline: false },
      { name: `roundtable GET /api/clubs?q=한국 (${clubs})`, url: ours.url, path: `/api/clubs?q=${encodeURIComponent('한국')}`, headers: auth, load: heavy, baseline: false },
      { name: `roundtable GET /api/clubs (${clubs}, most liked first)`, url: ours.url, path: '/api/clubs', headers: auth, load: heavy, baseline: false },
      { name: `roundtable GET /api/clubs/recommended (${clubs})`, url: ours.url, path: '/api/clubs/recommended', headers: auth, load: heavy, baseline: false },
    );
  }
  const key = (t: Target) => `${t.name} ${loadLabel(t.load)}`;
  for (const target of targets) await measure(target, 2); // warm-up
  const samples = new Map<string, Sample[]>(targets.map((t) => [key(t), []]));
  for (let run = 1; run <= runs; run += 1) {
    for (const target of targets) {
      const sample = await measure(target, seconds);
      samples.get(key(target))?.push(sample);
      console.log(`run ${run} ${key(target)}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms, errors ${sample.errors}, non-2xx ${sample.non2xx}`);
    }
  }
  const summary = targets.map((t) => {
    const list = samples.get(key(t)) ?? [];
    return { target: t, rps: median(list.map((s) => s.rps)), p99: median(list.map((s) => s.p99)), failures: list.reduce((n, s) => n + s.errors + s.non2xx, 0) };
  });
  const baselineFor = (t: Target) => summary.find((row) => row.target.baseline && sameLoad(row.target.load, t.load));
  console.log(`\nmedians of ${runs} runs × ${seconds} s, database: ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}, tokens: ${process.env.BENCH_JWT === 'es256' ? 'ES256' : 'HS256'}, node ${process.version}`);
  console.log('| target | load | req/s | p99 ms | failed requests | req/s ratio to bare express at that load |');
  console.log('|---|---|---|---|---|---|');
  for (const row of summary) {
    const baseline = baselineFor(row.target);
    const ratio = baseline && !row.target.baseline ? (row.rps / baseline.rps).toFixed(3) : '';
    console.log(`| ${row.target.name} | ${loadLabel(row.target.load)} | ${Math.round(row.rps)} | ${row.p99} | ${row.failures} | ${ratio} |`);
  }
  const me = summary.find((row) => row.target.name === ME);
  for (const peer of [ME_CACHED, ME_BEFORE]) {
    const other = summary.find((row) => row.target.name === peer);
    if (me && other) console.log(`${ME} / ${peer}: req/s ×${(me.rps / other.rps).toFixed(3)}, p99 ×${(me.p99 / other.p99).toFixed(3)}`);
  }
  const meBaseline = me && baselineFor(me.target);
  if (me && meBaseline) {
    console.log(`ratio (roundtable / bare express): ${(me.rps / meBaseline.rps).toFixed(2)}`);
    const floor = summary.find((row) => row.target.name.startsWith('bare express + pg'));
    if (floor) {
      console.log(`ratio (bare express + pg / bare express): ${(floor.rps / meBaseline.rps).toFixed(2)}`);
      console.log(`ratio (roundtable / bare express + pg): ${(me.rps / floor.rps).toFixed(2)}`);
    }
  }
} finally {
  for (const child of children) child.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
