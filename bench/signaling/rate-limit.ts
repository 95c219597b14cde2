// bench/signaling/rate-limit.ts: the per-socket event limiter, ours (signaling/rate-limit.ts,
// a synchronous token bucket held by the socket) against rate-limiter-flexible's in-memory
// limiters doing the same job (a keyed store, one promise per event), in the same run.
//
// The workload is the signaling hot path: every event of every socket takes one token before
// it is parsed. Sockets × events per socket are taken in rounds; each limiter runs `runs`
// times, alternating, and the medians are reported with the ratio theirs/ours.
//
//   npx tsx bench/signaling/rate-limit.ts
//   BENCH_SOCKETS=2000 BENCH_EVENTS=200 BENCH_RUNS=5
import { performance } from 'node:perf_hooks';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TokenBucket } from '../../signaling/rate-limit.js';

const sockets = Number(process.env.BENCH_SOCKETS ?? 2000);
const events = Number(process.env.BENCH_EVENTS ?? 200);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const RATE = 20; // the default SIGNALING_EVENTS_PER_SECOND
const total = sockets * events;

type Take = (socket: number) => Promise<boolean> | boolean;

function ours(): Take {
  const buckets = Array.from({ length: sockets }, () => new TokenBucket(RATE, RATE * 2));
  return (socket) => (buckets[socket] as TokenBucket).take() === 0;
}

// rate-limiter-flexible refuses by rejecting with a RateLimiterRes; anything else is a real error.
async function allowed(consume: Promise<RateLimiterRes>): Promise<boolean> {
  try {
    await consume;
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) return false;
    throw err;
  }
}

function flexible(): Take {
  const limiter = new RateLimiterMemory({ points: RATE, duration: 1 });
  return (socket) => allowed(limiter.consume(socket));
}

function flexibleBursty(): Take {
  const limiter = new BurstyRateLimiter(new RateLimiterMemory({ points: RATE, duration: 1 }), new RateLimiterMemory({ keyPrefix: 'burst', points: RATE, duration: 2 }));
  return (socket) => allowed(limiter.consume(socket));
}

async function timeOne(make: () => Take): Promise<number> {
  const take = make();
  const started = performance.now();
  for (let round = 0; round < events; round += 1) {
    for (let socket = 0; socket < sockets; socket += 1) {
      const result = take(socket);
      if (typeof result !== 'boolean') await result;
    }
  }
  return (total / (performance.now() - started)) * 1000;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const contenders: Record<string, () => Take> = { ours, 'rate-limiter-flexible (memory)': flexible, 'rate-limiter-flexible (bursty)': flexibleBursty };
const results = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
for (let run = 0; run < runs; run += 1) {
  for (const [name, make] of Object.entries(contenders)) results.get(name)?.push(await timeOne(make));
}
const base = median(results.get('ours') ?? []);
console.log(`${sockets} sockets × ${events} events, ${runs} runs (median takes/s; ratio = ours / theirs)`);
for (const [name, values] of results) {
  const value = median(values);
  console.log(`${name.padEnd(32)} ${Math.round(value).toLocaleString('en').padStart(12)} takes/s  ratio ${(base / value).toFixed(1)}`);
}
