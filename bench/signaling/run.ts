// bench/signaling: chat through Roundtable's Socket.IO service (handshake with an access token,
// zod validation, rate limits, permission check, the message stored in the database before
// it is broadcast) against a bare Socket.IO relay (no auth, no storage), in the same run; and,
// to tell the service's own cost from the database's, the service alone with chat in memory.
//
// N clients in rooms of 6, each sending chat:send at a fixed rate (open loop: a slow server
// gets the same offered load and falls behind). For each N and target: sustained messages/s
// (acked), p50/p95/p99 ack latency, deliveries/s; runs alternate bare/ours and medians are
// reported with the ratio ours/bare. Each target runs in a child process; the clients run here.
//
//   npx tsx bench/signaling/run.ts
//   DATABASE_URL=postgres://… npx tsx bench/signaling/run.ts
//   BENCH_CLIENTS=60,240,960,1440,1920 BENCH_RATE=2 BENCH_SECONDS=6 BENCH_RUNS=3
//
// A load is "held" when at least 97% of the messages offered in the window are acked and the
// p95 ack latency stays within 50 ms; sustained messages/s is the largest load held.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { BenchClient } from './servers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const steps = (process.env.BENCH_CLIENTS ?? '60,240,960,1440,1920').split(',').map(Number);
const rate = Number(process.env.BENCH_RATE ?? 2);
const seconds = Number(process.env.BENCH_SECONDS ?? 6);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const WARM_UP_MS = 1500;
const GRACE_MS = 3000;
const ROOM = 6;
const HELD_P95_MS = 50;
const BODY = 'A thought about chapter seven that runs to about a hundred characters, give or take a word or two.';

type TargetName = 'bare' | 'signaling' | 'roundtable';

interface Target {
  name: TargetName;
  url: string;
  child: ChildProcess;
  clients: BenchClient[];
}

interface Sample {
  offered: number;
  acked: number;
  /** Share of the expected deliveries (5 per message) that arrived. */
  delivered: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

function startChild(mode: TargetName, env: NodeJS.ProcessEnv, clients: number): Promise<Target> {
  const child = fork(path.join(here, 'servers.ts'), [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    child.once('message', (m: { url: string }) => {
      child.once('message', (seeded: { clients: BenchClient[] }) => resolve({ name: mode, url: m.url, child, clients: seeded.clients }));
      child.send({ seed: clients });
    });
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function connectAll(target: Target, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < n; start += 50) {
    const batch = target.clients.slice(start, Math.min(n, start + 50)).map(
      (client) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(target.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: client.token, club: client.club } });
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', (err) => reject(err));
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

let runNonce = 0;

/** Open loop: every client sends at `rate` whatever the answers; latency shows when the server falls behind. */
async function measure(target: Target, n: number): Promise<Sample> {
  const sockets = await connectAll(target, n);
  // Fresh client ids every time: a resent id would be acked from storage without a broadcast.
  const nonce = `${Date.now().toString(36)}${(runNonce += 1)}`;
  const latencies: number[] = [];
  let offered = 0;
  let delivered = 0;
  let errors = 0;
  let measuring = false;
  // Deliveries of the messages sent during the window, whenever they arrive (up to the grace period).
  const inWindow = new Set<string>();
  for (const socket of sockets) socket.on('chat:message', (m: { client_id?: string }) => void (inWindow.has(m.client_id ?? '') && (delivered += 1)));
  const timers: NodeJS.Timeout[] = [];
  let seq = 0;
  sockets.forEach((socket, i) => {
    const club = target.clients[i]?.club ?? 0;
    const send = () => {
      const counted = measuring;
      seq += 1;
      const clientId = `${nonce}-${i}-${seq}`;
      if (counted) {
        offered += 1;
        inWindow.add(clientId);
      }
      const sentAt = performance.now();
      socket.emit('chat:send', { club_id: club, client_id: clientId, body: BODY }, (reply: { ok: boolean }) => {
        if (!reply.ok) errors += 1;
        if (counted) latencies.push(performance.now() - sentAt);
      });
    };
    // Spread the clients' sends evenly over the interval.
    const first = setTimeout(() => {
      send();
      timers.push(setInterval(send, 1000 / rate));
    }, ((1000 / rate) * i) / sockets.length);
    timers.push(first);
  });
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  for (const timer of timers) clearInterval(timer);
  await new Promise((r) => setTimeout(r, GRACE_MS));
  for (const socket of sockets) socket.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    offered: offered / seconds,
    acked: latencies.length / seconds,
    delivered: delivered / (offered * (ROOM - 1)),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    errors,
  };
}

/** Closed loop: each client sends its next message as soon as the last is acked; the most a target can take. */
async function saturate(target: Target, n: number): Promise<number> {
  const sockets = await connectAll(target, n);
  const nonce = `sat${Date.now().toString(36)}${(runNonce += 1)}`;
  let acked = 0;
  let measuring = false;
  let running = true;
  sockets.forEach((socket, i) => {
    const club = target.clients[i]?.club ?? 0;
    let seq = 0;
    const send = () => {
      if (!running) return;
      seq += 1;
      socket.emit('chat:send', { club_id: club, client_id: `${nonce}-${i}-${seq}`, body: BODY }, () => {
        if (measuring) acked += 1;
        send();
      });
    };
    send();
  });
  await new Promise((r) => setTimeout(r, WARM_UP_MS));
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  running = false;
  await new Promise((r) => setTimeout(r, 500));
  for (const socket of sockets) socket.close();
  return acked / seconds;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-bench-signaling-'));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  JWT_SECRET: 'bench-secret-that-is-long-enough-0123456789',
  // Per-socket limits are a defence against abuse, not part of what is measured.
  SIGNALING_EVENTS_PER_SECOND: '0',
  SIGNALING_CHAT_PER_MINUTE: '0',
};
const most = Math.max(...steps);
const targets: Target[] = [];
try {
  targets.push(await startChild('bare', env, most), await startChild('signaling', env, most), await startChild('roundtable', env, most));
  const samples = new Map<string, Sample[]>();
  for (const n of steps) {
    for (let run = 1; run <= runs; run += 1) {
      for (const target of targets) {
        const sample = await measure(target, n);
        const key = `${target.name}:${n}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        console.log(
          `run ${run} ${target.name} N=${n}: offered ${sample.offered.toFixed(0)}/s, acked ${sample.acked.toFixed(0)}/s, delivered ${(sample.delivered * 100).toFixed(1)}%, ` +
            `p50 ${sample.p50.toFixed(1)} ms, p95 ${sample.p95.toFixed(1)} ms, p99 ${sample.p99.toFixed(1)} ms, errors ${sample.errors}`,
        );
      }
    }
  }
  const saturation = new Map<string, number[]>();
  for (let run = 1; run <= runs; run += 1) {
    for (const target of targets) {
      const rateNow = await saturate(target, most);
      saturation.set(target.name, [...(saturation.get(target.name) ?? []), rateNow]);
      console.log(`run ${run} ${target.name} saturated, N=${most}, one message in flight per client: ${rateNow.toFixed(0)} msg/s`);
    }
  }
  const row = (name: TargetName, n: number) => {
    const list = samples.get(`${name}:${n}`) ?? [];
    const pick = (f: (s: Sample) => number) => median(list.map(f));
    return { acked: pick((s) => s.acked), delivered: pick((s) => s.delivered), p50: pick((s) => s.p50), p95: pick((s) => s.p95), p99: pick((s) => s.p99), errors: list.reduce((e, s) => e + s.errors, 0) };
  };
  const names: TargetName[] = ['bare', 'signaling', 'roundtable'];
  console.log(`\nmedians of ${runs} runs × ${seconds} s, ${rate} messages/s per client, rooms of 6, database: ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}, node ${process.version}`);
  console.log('| clients | offered msg/s | acked msg/s bare / signaling / roundtable | p50/p95/p99 ms bare | signaling (no database) | roundtable | delivered | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  let held: number | null = null;
  const sustained: Record<TargetName, number> = { bare: 0, signaling: 0, roundtable: 0 };
  const holds = (r: ReturnType<typeof row>, n: number) => r.acked >= 0.97 * n * rate && r.p95 <= HELD_P95_MS;
  const ms = (r: ReturnType<typeof row>) => `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)} / ${r.p99.toFixed(1)}`;
  for (const n of steps) {
    const rows = names.map((name) => row(name, n));
    const [bare, signaling, ours] = rows as [ReturnType<typeof row>, ReturnType<typeof row>, ReturnType<typeof row>];
    if (bare.p95 < 10) held = n;
    names.forEach((name, i) => {
      const r = rows[i] as ReturnType<typeof row>;
      if (holds(r, n)) sustained[name] = Math.max(sustained[name], r.acked);
    });
    const delivered = Math.min(...rows.map((r) => r.delivered));
    console.log(
      `| ${n} | ${n * rate} | ${rows.map((r) => r.acked.toFixed(0)).join(' / ')} | ${ms(bare)} | ${ms(signaling)} | ${ms(ours)} | ${delivered === 1 ? 'all' : `${(delivered * 100).toFixed(1)}% (lowest)`} | ${rows.reduce((e, r) => e + r.errors, 0)} |`,
    );
  }
  console.log(
    `sustained (≥ 97% acked, p95 ≤ ${HELD_P95_MS} ms): bare ${sustained.bare.toFixed(0)}, signaling ${sustained.signaling.toFixed(0)}, roundtable ${sustained.roundtable.toFixed(0)} msg/s; ratio roundtable / bare ${(sustained.roundtable / sustained.bare).toFixed(2)} (target ≥ 0.7)`,
  );
  const saturated = names.map((name) => median(saturation.get(name) ?? []));
  console.log(
    `saturated (N=${most}, one message in flight per client): ${names.map((name, i) => `${name} ${(saturated[i] as number).toFixed(0)}`).join(', ')} msg/s; ratio roundtable / bare ${((saturated[2] as number) / (saturated[0] as number)).toFixed(2)}, signaling / bare ${((saturated[1] as number) / (saturated[0] as number)).toFixed(2)}`,
  );
  if (held !== null) {
    const ours = row('roundtable', held);
    console.log(`largest load the bare relay holds with p95 < 10 ms: N=${held} (${held * rate} msg/s); roundtable there: p95 ${ours.p95.toFixed(1)} ms (target ≤ 15)`);
  } else {
    console.log('the bare relay held p95 < 10 ms at none of these loads');
  }
} finally {
  for (const target of targets) target.child.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
