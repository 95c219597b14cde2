// Join latency as a person lives it: from opening the Socket.IO connection to the first RTP
// packet a consumer receives, through a real server (composition root, PGlite, one mediasoup
// worker) carrying a background load of meetings. Each sample: connect, meeting:join, a send
// and a receive transport, publish a microphone, consume the five people already there,
// resume, and wait for the first packet of each. The peer is the same join made directly on
// the MeetingHub (no socket, no permission checks, no database), in the same run.
//
//   npx tsx bench/sfu/join.ts                 # BENCH_LOAD_MEETINGS=8 BENCH_SAMPLES=30 BENCH_RUNS=3
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { signUpAndLogin, type TestAccount } from '../../test/helpers/accounts.js';
import { admit, createClub } from '../../test/helpers/clubs.js';
import { joinOverSocket } from '../../test/helpers/meeting-sockets.js';
import { intentFor, RtpBot, type BotHub } from '../../test/helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { connect, ok, type TestSocket } from '../../test/helpers/sockets.js';
import type { MeetingHub } from '../../sfu/meeting-hub.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LOAD_MEETINGS = env('BENCH_LOAD_MEETINGS', 8);
const SAMPLES = env('BENCH_SAMPLES', 30);
const RUNS = env('BENCH_RUNS', 3);
const MEETING_SIZE = 6;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (values: number[]) => percentile(values, 50);

interface Cast {
  clubId: number;
  owner: TestAccount;
  people: TestAccount[];
}

async function castClub(server: TestServer): Promise<Cast> {
  const owner = await signUpAndLogin(server.http);
  const club = await createClub(server.http, owner, { max_members: 12 });
  const people = [owner];
  for (let i = 1; i < MEETING_SIZE + 1; i++) {
    const person = await signUpAndLogin(server.http);
    await admit(server.http, club.id, owner, person);
    people.push(person);
  }
  return { clubId: club.id, owner, people };
}

async function openMeeting(server: TestServer, cast: Cast): Promise<number> {
  const res = await server.http.post<{ id: number }>(`/api/clubs/${cast.clubId}/meetings`, { title: 'Load' }, cast.owner.access);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/** Five publishing bots in a meeting (each consuming the others), joined on the hub directly. */
async function fill(hub: MeetingHub, meetingId: number, cast: Cast, size: number): Promise<RtpBot[]> {
  const bots: RtpBot[] = [];
  for (const person of cast.people.slice(0, size)) {
    const bot = await RtpBot.join(hub, intentFor(meetingId, person.id, { clubId: cast.clubId, clubCapacity: 12 }), { video: 'simple', packetsPerFrame: 2, videoPayloadBytes: 1000 });
    await bot.consumeBots(bots);
    for (const other of bots) await other.consume([bot.producers.mic!, bot.producers.camera!]);
    bots.push(bot);
  }
  return bots;
}

/** Polls often: the figure is milliseconds. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('no packets within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Sample {
  /** Until a consumer received its first packet. */
  first: number;
  /** Until every consumer (five microphones, five cameras) had one. */
  all: number;
  bot: RtpBot;
}

/** Joins, consumes everyone there, and times the first packets. */
async function timeJoin(join: () => Promise<RtpBot>, others: RtpBot[]): Promise<Sample> {
  const started = performance.now();
  const bot = await join();
  const consumed = bot.consumeBots(others);
  const streams = () => others.flatMap((o) => [bot.packetsFrom(o.producers.mic!), bot.packetsFrom(o.producers.camera!)]);
  await until(() => streams().some((n) => n > 0));
  const first = performance.now() - started;
  await consumed;
  await until(() => streams().every((n) => n > 0));
  return { first, all: performance.now() - started, bot };
}

interface Timings {
  first: number[];
  all: number[];
}

async function run(): Promise<{ socket: Timings; direct: Timings; consumers: number }> {
  const server = await startTestServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'silent' } });
  const hub = server.app.meetings!;
  const pool = server.app.sfu!;
  const load: RtpBot[] = [];
  try {
    const cast = await castClub(server);
    for (let i = 0; i < LOAD_MEETINGS; i++) load.push(...(await fill(hub, await openMeeting(server, cast), cast, MEETING_SIZE)));
    const measured = await openMeeting(server, cast);
    const present = await fill(hub, measured, cast, MEETING_SIZE - 1);
    load.push(...present);
    const joiner = cast.people[MEETING_SIZE - 1]!;
    const consumers = pool.load(pool.live()[0]!)?.consumers ?? 0;
    const overSocket: Timings = { first: [], all: [] };
    const direct: Timings = { first: [], all: [] };
    const record = (into: Timings, sample: Sample) => {
      into.first.push(sample.first);
      into.all.push(sample.all);
      sample.bot.close();
    };
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate, so that both see the same machine.
      let socket: TestSocket | null = null;
      record(
        overSocket,
        await timeJoin(async () => {
          socket = await connect(server.url, joiner.access);
          return joinOverSocket(socket, hub, measured, joiner.id, { video: false });
        }, present),
      );
      await ok(socket!, 'meeting:leave', { meeting_id: measured });
      socket!.close();

      const directHub: BotHub = hub;
      record(direct, await timeJoin(() => RtpBot.join(directHub, intentFor(measured, joiner.id, { clubId: cast.clubId, clubCapacity: 12 }), { video: false }), present));
      await hub.leave(joiner.id, { meeting_id: measured });
    }
    return { socket: overSocket, direct, consumers };
  } finally {
    for (const bot of load) bot.close();
    await server.close();
  }
}

const fmt = (values: number[]) => `p50 ${median(values).toFixed(1)} / p95 ${percentile(values, 95).toFixed(1)} ms`;
const results: Awaited<ReturnType<typeof run>>[] = [];
for (let r = 0; r < RUNS; r++) {
  const result = await run();
  results.push(result);
  console.log(
    `run ${r + 1}: ${result.consumers} consumers on the worker; over Socket.IO: first packet ${fmt(result.socket.first)}, every stream ${fmt(result.socket.all)}; ` +
      `direct on the hub: first packet ${fmt(result.direct.first)}, every stream ${fmt(result.direct.all)}`,
  );
}
const across = (pick: (r: (typeof results)[number]) => number) => median(results.map(pick)).toFixed(1);
console.log(`\nmedians of ${RUNS} runs (${SAMPLES} joins each, ${LOAD_MEETINGS} meetings of ${MEETING_SIZE} as background load):`);
console.log('| path | first packet p50 | first packet p95 | every stream p50 | every stream p95 |');
console.log('|---|---|---|---|---|');
for (const path of ['socket', 'direct'] as const) {
  console.log(`| ${path === 'socket' ? 'Socket.IO (ours)' : 'MeetingHub directly'} | ${across((r) => median(r[path].first))} | ${across((r) => percentile(r[path].first, 95))} | ${across((r) => median(r[path].all))} | ${across((r) => percentile(r[path].all, 95))} |`);
}
console.log(`socket/direct ratio of first-packet p50: ${median(results.map((r) => median(r.socket.first) / median(r.direct.first))).toFixed(2)}`);
process.exit(0);
