// SFU load ramp: meetings of 6 bots (Opus at 50 packets/s, VP8 at 30 frames/s of two 1 kB
// packets, about 500 kbit/s; every bot consumes the other five: 60 consumers per meeting) on
// ONE mediasoup worker. Meetings are
// added step by step until consumer packet loss passes 1%. Each step reports consumers on the
// worker, the worker's CPU (getResourceUsage), loss, and join latency (join, two transports,
// two producers, consuming everyone already there: what a client waits for).
//
// The same ramp runs on bare mediasoup routers (bench/sfu/bare-hub.ts) as the peer, in turn.
//
//   npx tsx bench/sfu/run.ts
//   BENCH_START=4 BENCH_STEP=4 BENCH_MAX_MEETINGS=40 BENCH_WINDOW_MS=5000 BENCH_TARGETS=hub,bare BENCH_TAPS=0
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { AudioTaps } from '../../sfu/audio-taps.js';
import { MeetingHub } from '../../sfu/meeting-hub.js';
import { MemoryRecorder } from '../../sfu/recorder.js';
import { DEFAULT_MEDIA_SETTINGS } from '../../sfu/settings.js';
import { WorkerPool, type Worker } from '../../sfu/worker-pool.js';
import { createLogger } from '../../shared/logger.js';
import { intentFor, RtpBot, type BotHub } from '../../test/helpers/rtp-bots.js';
import { BareRouterHub } from './bare-hub.js';

const MEETING_SIZE = 6;
const CONSUMERS_PER_MEETING = MEETING_SIZE * (MEETING_SIZE - 1) * 2;
const LOSS_LIMIT = 0.01;
/** The target: 500 consumers per worker (join latency is also reported at that load). */
const TARGET_LOAD = 500;
/** Opus every 20 ms, two video packets per frame at 30 frames/s. */
const NOMINAL_PPS_PER_BOT = 50 + 2 * 30;
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const START = env('BENCH_START', 4);
const STEP = env('BENCH_STEP', 4);
const MAX_MEETINGS = env('BENCH_MAX_MEETINGS', 40);
const WARMUP_MS = env('BENCH_WARMUP_MS', 2000);
const WINDOW_MS = env('BENCH_WINDOW_MS', 5000);
const TAPS = process.env.BENCH_TAPS === '1';
const TARGETS = (process.env.BENCH_TARGETS ?? 'hub,bare').split(',') as ('hub' | 'bare')[];

interface Step {
  meetings: number;
  consumers: number;
  /** Packets per second the bots sent, and what their consumers received. */
  sentPps: number;
  deliveredPps: number;
  /** Sent as a share of what the bots should send: below 100%, the load generator fell behind. */
  onTimePct: number;
  /** Receive-buffer drops counted by the kernel in the window (any process: a busy machine shows here). */
  kernelDrops: number;
  lossPct: number;
  workerCpuPct: number;
  benchCpuPct: number;
  joinP50: number;
  joinP95: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function cpuMs(worker: Worker): Promise<number> {
  const usage = await worker.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

/** One join's latency, and how many consumers the worker carried when it began. */
interface Join {
  ms: number;
  load: number;
}

/** Six bots join one after another; each consumes those already there, and they consume it. */
async function buildMeeting(hub: BotHub, meetingId: number, load: () => number, joins: Join[], into: RtpBot[][]): Promise<void> {
  const bots: RtpBot[] = [];
  into.push(bots);
  for (let i = 0; i < MEETING_SIZE; i += 1) {
    const [started, before] = [performance.now(), load()];
    const bot = await RtpBot.join(hub, intentFor(meetingId, meetingId * 100 + i), { video: 'simple', packetsPerFrame: 2, videoPayloadBytes: 1000 });
    bots.push(bot);
    await bot.consumeBots(bots);
    joins.push({ ms: performance.now() - started, load: before });
    for (const other of bots) if (other !== bot) await other.consume([bot.producers.mic!, bot.producers.camera!]);
  }
}

const sentBy = (bots: RtpBot[]) => bots.reduce((sum, bot) => sum + bot.sent, 0);

/** Datagrams the kernel dropped for a full receive buffer, on any socket of the machine (Linux). */
function kernelUdpDrops(): number {
  try {
    const [names, values] = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const index = names!.split(/\s+/).indexOf('RcvbufErrors');
    return Number(values!.split(/\s+/)[index]);
  } catch {
    return NaN;
  }
}

async function measure(worker: Worker, bots: RtpBot[]): Promise<Omit<Step, 'meetings' | 'consumers' | 'joinP50' | 'joinP95'>> {
  await sleep(WARMUP_MS);
  for (const bot of bots) bot.resetCounts();
  const [cpu0, bench0, t0, sent0, drops0] = [await cpuMs(worker), process.cpuUsage(), performance.now(), sentBy(bots), kernelUdpDrops()];
  await sleep(WINDOW_MS);
  const [cpu1, bench1, t1, sent1, drops1] = [await cpuMs(worker), process.cpuUsage(bench0), performance.now(), sentBy(bots), kernelUdpDrops()];
  let expected = 0;
  let received = 0;
  for (const bot of bots) {
    const tally = bot.tally();
    expected += tally.expected;
    received += tally.received;
  }
  const wall = t1 - t0;
  const sentPps = ((sent1 - sent0) * 1000) / wall;
  return {
    sentPps,
    deliveredPps: (received * 1000) / wall,
    kernelDrops: drops1 - drops0,
    onTimePct: (100 * sentPps) / (bots.length * NOMINAL_PPS_PER_BOT),
    lossPct: expected === 0 ? 100 : (100 * Math.max(0, expected - received)) / expected,
    workerCpuPct: (100 * (cpu1 - cpu0)) / wall,
    benchCpuPct: (100 * (bench1.user + bench1.system)) / 1000 / wall,
  };
}

let running: WorkerPool | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running?.close();
    process.exit(130);
  });
}

interface Ramp {
  steps: Step[];
  /** Joins of the steps that stayed under the loss limit. */
  joins: Join[];
  /** Why the ramp stopped early, when the worker stopped answering. */
  failure?: string;
}

async function ramp(target: 'hub' | 'bare'): Promise<Ramp> {
  const logger = createLogger('silent');
  const pool = await WorkerPool.start({ count: 1, rtcMinPort: 40000, rtcMaxPort: 49999, logLevel: 'none' }, logger);
  running = pool;
  const worker = pool.live()[0]!;
  const settings = { ...DEFAULT_MEDIA_SETTINGS, maxPeersPerMeeting: MEETING_SIZE, consumersPerRouter: 1_000_000 };
  const taps = TAPS ? new AudioTaps(logger) : null;
  taps?.subscribe({ packet: () => undefined });
  const hub = target === 'hub' ? new MeetingHub({ pool, settings, recorder: new MemoryRecorder(), logger, taps }) : new BareRouterHub(worker);
  const meetings: RtpBot[][] = [];
  const load = () => pool.load(worker)?.consumers ?? 0;
  const result: Ramp = { steps: [], joins: [] };
  try {
    while (meetings.length < MAX_MEETINGS) {
      const goal = meetings.length === 0 ? START : Math.min(MAX_MEETINGS, meetings.length + STEP);
      const stepJoins: Join[] = [];
      while (meetings.length < goal) await buildMeeting(hub, 1000 + meetings.length, load, stepJoins, meetings);
      const measured = await measure(worker, meetings.flat());
      const times = stepJoins.map((j) => j.ms);
      const step: Step = {
        meetings: meetings.length,
        consumers: load() || meetings.length * CONSUMERS_PER_MEETING,
        ...measured,
        joinP50: percentile(times, 50),
        joinP95: percentile(times, 95),
      };
      result.steps.push(step);
      console.log(
        `| ${target} | ${step.meetings} | ${step.consumers} | ${Math.round(step.deliveredPps)} | ${step.onTimePct.toFixed(0)}% | ` +
          `${step.workerCpuPct.toFixed(0)}% | ${step.benchCpuPct.toFixed(0)}% | ${step.kernelDrops} | ${step.lossPct.toFixed(2)}% | ${step.joinP50.toFixed(0)} | ${step.joinP95.toFixed(0)} |`,
      );
      if (step.lossPct / 100 > LOSS_LIMIT) break;
      result.joins.push(...stepJoins);
    }
  } catch (err) {
    // An overloaded worker answers requests too late (mediasoup gives up after a while): that is the limit too.
    result.failure = `the worker stopped answering at ${load()} consumers (${(err as Error).message})`;
  } finally {
    for (const bot of meetings.flat()) bot.close();
    await hub.close().catch(() => undefined);
    pool.close();
  }
  return result;
}

const latency = (joins: Join[]) => {
  const ms = joins.map((j) => j.ms);
  return `p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms over ${ms.length} joins`;
};

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.availableParallelism()} cores, ${new Date().toISOString().slice(0, 10)}; window ${WINDOW_MS} ms after ${WARMUP_MS} ms warm-up; taps ${TAPS ? 'on' : 'off'}`);
  console.log('| target | meetings | consumers | packets/s delivered | bots on time | worker CPU | bench CPU | kernel UDP drops | loss | join p50 ms | join p95 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const summaries: string[] = [];
  for (const target of TARGETS) {
    const { steps, joins, failure } = await ramp(target);
    const best = steps.filter((s) => s.lossPct / 100 <= LOSS_LIMIT).at(-1);
    const last = steps.at(-1);
    const limit = failure ?? (last && last.lossPct / 100 > LOSS_LIMIT ? `loss passed 1% at ${last.consumers} consumers` : `no step passed 1% (stopped at ${MAX_MEETINGS} meetings)`);
    summaries.push(
      `${target}: ${best?.consumers ?? 0} consumers on one worker at < 1% loss (worker CPU ${best?.workerCpuPct.toFixed(0) ?? '-'}%); ${limit}.\n` +
        `  join latency while the worker carried up to ${TARGET_LOAD} consumers: ${latency(joins.filter((j) => j.load <= TARGET_LOAD))}; whole ramp: ${latency(joins)}`,
    );
  }
  console.log('');
  for (const line of summaries) console.log(line);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
