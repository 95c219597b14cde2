// bench/inference/asr.ts: pocketsphinx through our code against pocketsphinx alone, on the same
// fixed flite sentences (bench/inference/sentences.ts), in the same run:
//   alone     `pocketsphinx_continuous -infile <16 kHz WAV>` with the same model, nothing else
//   engine    our PocketsphinxEngine on the same samples (temporary raw file, child process, parse)
//   pipeline  the live path: the sentence with silence around it, Opus-encoded in 20 ms RTP
//             packets → StreamPipeline (reorder, Opus decode, 48→16 kHz, Silero VAD in the
//             inference pool, segmenter with the live settings) → the engine for each utterance
// Each sentence runs `runs` times per way, the three ways alternating in a rotating order, one at
// a time; wall times are medians over the runs. Word error rates are from the first run (the
// recogniser is deterministic on the same input).
//
//   npx tsx bench/inference/asr.ts
//   BENCH_RUNS=3 (runs per sentence and way)  BENCH_VERBOSE=1 (print every hypothesis)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PocketsphinxEngine, POCKETSPHINX_BINARY } from '../../server/inference/asr/pocketsphinx.js';
import { StreamPipeline } from '../../server/inference/audio/pipeline.js';
import { InferencePool } from '../../server/inference/pool/pool.js';
import { PooledVad } from '../../server/inference/vad/pooled.js';
import { readSamples, speechWav, wordErrorRate } from '../../test/helpers/speech.js';
import { opusPackets, rtpStream } from '../../test/integration/inference/opus-speech.js';
import { BOOK_CLUB_SENTENCES } from './sentences.js';

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const verbose = process.env.BENCH_VERBOSE === '1';
const RATE = 16_000;
const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
/** Silence around the sentence on the live path: a lead-in, and enough after it to end the utterance. */
const PAD_BEFORE = 0.5;
const PAD_AFTER = 1.0;
/** The segmenter settings LiveTranscription uses (server/transcripts/live.ts). */
const LIVE_SEGMENTER = { padBefore: 0.4, padAfter: 0.3 };

type Way = 'alone' | 'engine' | 'pipeline';
const WAYS: Way[] = ['alone', 'engine', 'pipeline'];

interface Sample {
  sentence: string;
  wav: string;
  samples: Float32Array;
  rtp: Buffer[];
}

interface Outcome {
  ms: number;
  text: string;
  /** Pipeline only: from the first packet to the last utterance cut (decode, resample, VAD, segmenter). */
  frontMs?: number;
}

/** The recogniser by itself, reading the WAV, as its own command line would be used. */
function alone(wav: string): Promise<Outcome> {
  const args = ['-infile', wav, '-samprate', String(RATE), '-hmm', path.join(MODEL_DIR, 'en-us'), '-lm', path.join(MODEL_DIR, 'en-us.lm.bin'), '-dict', path.join(MODEL_DIR, 'cmudict-en-us.dict'), '-logfn', '/dev/null'];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(POCKETSPHINX_BINARY, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${POCKETSPHINX_BINARY} exited with ${code}`));
      const text = Buffer.concat(out).toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
      resolve({ ms: performance.now() - started, text });
    });
  });
}

async function throughEngine(engine: PocketsphinxEngine, samples: Float32Array): Promise<Outcome> {
  const started = performance.now();
  const result = await engine.transcribe(samples);
  return { ms: performance.now() - started, text: result.text };
}

/** RTP packets through a fresh stream pipeline (its decoder loaded beforehand), every utterance recognised. */
async function throughPipeline(engine: PocketsphinxEngine, pool: InferencePool, rtp: Buffer[]): Promise<Outcome> {
  const recognised: Array<Promise<string>> = [];
  let cutAt = 0;
  const pipeline = await StreamPipeline.create({
    identity: { meetingId: 1, userId: 1, producerId: 'bench' },
    vad: new PooledVad(pool),
    segmenter: LIVE_SEGMENTER,
    onUtterance: (u) => {
      cutAt = performance.now();
      recognised.push(engine.transcribe(u.samples).then((r) => r.text));
    },
    onError: (err) => console.error(`pipeline: ${err.message}`),
  });
  const started = performance.now();
  for (const packet of rtp) pipeline.push(packet);
  await pipeline.close();
  const texts = await Promise.all(recognised);
  return { ms: performance.now() - started, text: texts.filter(Boolean).join(' '), frontMs: cutAt - started };
}

function prepare(sentence: string): Sample {
  const wav = speechWav(sentence);
  const samples = readSamples(wav);
  const padded = new Float32Array(Math.round((PAD_BEFORE + PAD_AFTER) * RATE) + samples.length);
  padded.set(samples, Math.round(PAD_BEFORE * RATE));
  return { sentence, wav, samples, rtp: rtpStream(opusPackets(padded)) };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const wordCount = (s: string): number => s.split(/\s+/).filter(Boolean).length;
const fmt = (n: number, digits = 0): string => n.toFixed(digits);

async function main(): Promise<void> {
  const engine = new PocketsphinxEngine();
  const pool = new InferencePool();
  const samples = BOOK_CLUB_SENTENCES.map(prepare);
  const times = samples.map(() => ({ alone: [] as number[], engine: [] as number[], pipeline: [] as number[], front: [] as number[] }));
  const texts = samples.map(() => ({ alone: '', engine: '', pipeline: '' }));
  // Warm-up: the model files in the page cache, the VAD worker started, the Opus WASM compiled.
  await alone(samples[0]!.wav);
  await throughPipeline(engine, pool, samples[0]!.rtp);
  const benchStarted = performance.now();
  for (let run = 0; run < runs; run++) {
    for (const [i, sample] of samples.entries()) {
      for (let k = 0; k < WAYS.length; k++) {
        const way = WAYS[(run + i + k) % WAYS.length]!;
        const outcome =
          way === 'alone' ? await alone(sample.wav) : way === 'engine' ? await throughEngine(engine, sample.samples) : await throughPipeline(engine, pool, sample.rtp);
        times[i]![way].push(outcome.ms);
        if (outcome.frontMs !== undefined) times[i]!.front.push(outcome.frontMs);
        if (run === 0) texts[i]![way] = outcome.text;
      }
    }
    process.stderr.write(`run ${run + 1}/${runs} done (${fmt((performance.now() - benchStarted) / 1000)} s)\n`);
  }

  console.log(`\npocketsphinx on ${samples.length} flite sentences (slt, 16 kHz), ${runs} runs each way, medians`);
  console.log('\n| # | words | audio s | alone ms | engine ms | pipeline ms | engine/alone | pipeline/alone | WER alone | WER engine | WER pipeline |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const wer: Record<Way, number[]> = { alone: [], engine: [], pipeline: [] };
  const edits: Record<Way, number> = { alone: 0, engine: 0, pipeline: 0 };
  const ratios = { engine: [] as number[], pipeline: [] as number[] };
  const totals: Record<Way, number> = { alone: 0, engine: 0, pipeline: 0 };
  let frontTotal = 0;
  let refWords = 0;
  let audioSeconds = 0;
  for (const [i, sample] of samples.entries()) {
    const words = wordCount(sample.sentence);
    refWords += words;
    audioSeconds += sample.samples.length / RATE;
    const m = { alone: median(times[i]!.alone), engine: median(times[i]!.engine), pipeline: median(times[i]!.pipeline) };
    for (const way of WAYS) {
      const w = wordErrorRate(sample.sentence, texts[i]![way]);
      wer[way].push(w);
      edits[way] += w * words;
      totals[way] += m[way];
    }
    frontTotal += median(times[i]!.front);
    ratios.engine.push(m.engine / m.alone);
    ratios.pipeline.push(m.pipeline / m.alone);
    console.log(
      `| ${i + 1} | ${words} | ${fmt(sample.samples.length / RATE, 2)} | ${fmt(m.alone)} | ${fmt(m.engine)} | ${fmt(m.pipeline)} | ${fmt(m.engine / m.alone, 2)} | ${fmt(m.pipeline / m.alone, 2)} | ${fmt(wer.alone[i]!, 2)} | ${fmt(wer.engine[i]!, 2)} | ${fmt(wer.pipeline[i]!, 2)} |`,
    );
    if (verbose) for (const way of WAYS) console.log(`|   | ${way}: ${texts[i]![way]} | (said: ${sample.sentence}) |`);
  }
  console.log(`\n${samples.length} sentences, ${refWords} words, ${fmt(audioSeconds, 1)} s of speech`);
  console.log('\n| way | total ms (sum of medians) | real-time factor | median ratio to alone | total ratio to alone | WER mean | WER median | WER total |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const way of WAYS) {
    const r = way === 'alone' ? 1 : median(ratios[way]);
    const mean = wer[way].reduce((a, b) => a + b, 0) / wer[way].length;
    console.log(`| ${way} | ${fmt(totals[way])} | ${fmt(totals[way] / 1000 / audioSeconds, 2)} | ${fmt(r, 2)} | ${fmt(totals[way] / totals.alone, 2)} | ${fmt(mean, 3)} | ${fmt(median(wer[way]), 3)} | ${fmt(edits[way] / refWords, 3)} |`);
  }
  console.log(`\npipeline front end (first packet → last utterance cut; ${PAD_BEFORE + PAD_AFTER} s of silence added around each sentence): ${fmt(frontTotal)} ms in all, ${fmt(frontTotal / totals.pipeline * 100)} % of the pipeline's time`);
  await pool.close();
  await engine.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
