// The inference pool: Silero VAD in worker threads with each stream's state travelling with its
// requests, a bounded queue, crash recovery, clean shutdown, and worker files that run both
// from source (tsx) and compiled (tsc, plain Node).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { InferenceError, InferencePool } from '../../../server/inference/pool/pool.js';
import { PooledVad } from '../../../server/inference/vad/pooled.js';
import { newVadCarry, SileroVad } from '../../../server/inference/vad/silero.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTED = new URL('./fixtures/scripted-worker', import.meta.url);
const RUNNER = fileURLToPath(new URL('./fixtures/pool-run.ts', import.meta.url));

const hasCode = (code: string) => (err: unknown) => err instanceof InferenceError && err.code === code;
const windows = (count: number) => Float32Array.from({ length: 512 * count }, (_, i) => 0.4 * Math.sin(i / 7) * Math.sin(i / 900));
const request = (model: string) => ({ model, windows: windows(1), ...newVadCarry() });

describe('inference pool', function () {
  this.timeout(120_000);

  it('runs a stream\'s VAD in workers with its state carried between requests: the same probabilities as on this thread', async () => {
    const audio = windows(40);
    const local = await SileroVad.load();
    const expected = await local.probabilities(audio.slice());
    await local.close();
    const pool = new InferencePool({ size: 2 });
    try {
      const vad = new PooledVad(pool);
      const parts: Float32Array[] = [];
      // Consecutive requests go to the two workers in turn: the state travels between them.
      for (const [from, to] of [[0, 3], [3, 4], [4, 20], [20, 40]] as const) parts.push(await vad.probabilities(audio.slice(from * 512, to * 512)));
      const got = parts.flatMap((p) => [...p]);
      assert.equal(got.length, 40);
      got.forEach((p, i) => assert.ok(Math.abs(p - expected[i]!) < 1e-5, `window ${i}: ${p} vs ${expected[i]}`));
    } finally {
      await pool.close();
    }
  });

  it('refuses requests past the queue bound with a clear error, and serves the rest', async () => {
    const pool = new InferencePool({ size: 1, maxQueue: 2, entry: SCRIPTED });
    try {
      const accepted = [pool.vad(request('ok')), pool.vad(request('ok')), pool.vad(request('ok'))];
      await assert.rejects(pool.vad(request('ok')), (err: unknown) => hasCode('inference_queue_full')(err) && /2 requests waiting/.test((err as Error).message));
      const results = await Promise.all(accepted);
      assert.deepEqual(results.map((r) => r.probabilities[0]), [0.25, 0.25, 0.25]);
    } finally {
      await pool.close();
    }
  });

  it('rejects the request of a worker that crashes and replaces the worker', async () => {
    const pool = new InferencePool({ size: 1, entry: SCRIPTED });
    try {
      const crashing = pool.vad(request('crash'));
      const next = pool.vad(request('ok'));
      await assert.rejects(crashing, (err: unknown) => hasCode('inference_worker_crashed')(err) && /scripted crash/.test((err as Error).message));
      assert.equal((await next).probabilities[0], 0.25, 'the request queued behind it runs on a new worker');
      assert.equal(pool.threads, 1);
    } finally {
      await pool.close();
    }
  });

  it('close() rejects what runs and what waits, stops every worker, and refuses later requests', async () => {
    const pool = new InferencePool({ size: 1, entry: SCRIPTED });
    const running = pool.vad(request('hang'));
    const waiting = pool.vad(request('ok'));
    const refused = [assert.rejects(running, hasCode('inference_pool_closed')), assert.rejects(waiting, hasCode('inference_pool_closed'))];
    await pool.close();
    await Promise.all(refused);
    await assert.rejects(pool.vad(request('ok')), hasCode('inference_pool_closed'));
    assert.equal(pool.threads, 0);
  });

  it('runs from source under tsx, and the process exits by itself after close()', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const { stdout } = await run(process.execPath, ['--import', tsx, RUNNER], { cwd: os.tmpdir(), timeout: 60_000 });
    const result = JSON.parse(stdout) as { workerFile: string; windows: number };
    assert.equal(result.windows, 4);
    assert.match(result.workerFile, /worker\.ts$/);
  });

  it('runs compiled on plain Node (worker.js beside pool.js), and exits by itself after close()', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-pool-build-'));
    try {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
      fs.writeFileSync(path.join(out, 'package.json'), '{"type":"module"}');
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const sources = [RUNNER, path.join(ROOT, 'server/inference/pool/worker.ts')];
      await run(process.execPath, [tsc, '--outDir', out, '--rootDir', ROOT, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--skipLibCheck', '--types', 'node', '--strict', ...sources], { cwd: ROOT, timeout: 120_000 });
      const compiled = path.join(out, path.relative(ROOT, RUNNER).replace(/\.ts$/, '.js'));
      const { stdout } = await run(process.execPath, [compiled], { cwd: os.tmpdir(), timeout: 60_000 });
      const result = JSON.parse(stdout) as { workerFile: string; windows: number };
      assert.equal(result.windows, 4);
      assert.equal(result.workerFile, path.join(out, 'server/inference/pool/worker.js'));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
