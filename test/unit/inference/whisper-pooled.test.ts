// Whisper in the inference pool: the tiny generated export (test/helpers/whisper-model.ts) read
// in worker threads answers exactly as the engine on this thread does; requests run side by
// side; the engine's refusals keep their codes; a bad model directory fails at creation; and
// an abort drops a request that still waits.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AsrEngine } from '../../../server/inference/asr/engine.js';
import { createWhisperEngine } from '../../../server/inference/asr/whisper/engine.js';
import { createPooledWhisperEngine, PooledWhisperEngine } from '../../../server/inference/asr/whisper/pooled.js';
import { InferencePool } from '../../../server/inference/pool/pool.js';
import { ModelRegistry } from '../../../server/inference/registry.js';
import { startSpeech } from '../../../server/transcripts/start-live.js';
import { createLogger } from '../../../shared/logger.js';
import { rejectsWithCode, writeTinyWhisper, type TinyWhisper } from '../../helpers/whisper-model.js';

const RATE = 16_000;
const logger = createLogger('silent');
const speechConfig = (asrModelDir: string) => ({ asrEngine: 'whisper' as const, asrModelDir, maxPending: 8, concurrency: 1, inferenceWorkers: 1 });
const silence = (seconds: number) => new Float32Array(Math.round(seconds * RATE));
const loudTone = (seconds: number) => Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / RATE));

describe('ASR engine: whisper in the inference pool', function () {
  this.timeout(120_000);
  let root: string;
  let tiny: TinyWhisper;
  let local: AsrEngine;
  let pool: InferencePool;
  let pooled: PooledWhisperEngine;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'whisper-pooled-test-'));
    tiny = writeTinyWhisper(path.join(root, 'merged'));
    local = await createWhisperEngine({ modelDir: tiny.dir });
    pool = new InferencePool({ size: 2 });
    pooled = await createPooledWhisperEngine(pool, { modelDir: tiny.dir });
  });

  after(async () => {
    await pool?.close();
    await local?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('gives exactly the text, language, segments and confidence of the engine on this thread', async () => {
    assert.equal(pooled.name, 'whisper');
    assert.deepEqual(pooled.languages, local.languages);
    const cases: Array<[Float32Array, string | undefined]> = [[silence(3), 'ko'], [silence(3), undefined], [loudTone(3), undefined], [loudTone(3), 'ko-KR'], [silence(40), 'en']];
    for (const [audio, language] of cases) {
      const options = language === undefined ? {} : { language };
      const expected = await local.transcribe(audio, options);
      const got = await pooled.transcribe(audio, options);
      assert.deepEqual(got, expected, `language ${language ?? '(detected)'}, ${audio.length} samples`);
    }
    // Anchors the comparison to known output, so two engines wrong the same way would not pass.
    const known = await pooled.transcribe(silence(3), { language: 'ko' });
    assert.equal(known.text, 'hello world 안녕하세요');
    assert.deepEqual(known.words, tiny.segments);
  });

  it('leaves the caller\'s samples whole (a copy goes to the worker)', async () => {
    const audio = loudTone(1);
    await pooled.transcribe(audio, { language: 'en' });
    assert.equal(audio.length, RATE);
    assert.ok(Math.abs((audio[100] ?? 0) - 0.8 * Math.sin((2 * Math.PI * 440 * 100) / RATE)) < 1e-6);
  });

  it('answers two concurrent requests, one per worker', async () => {
    const both = [pooled.transcribe(silence(3)), pooled.transcribe(loudTone(3))] as const;
    assert.equal(pool.queued, 0, 'neither waits: each went to its own worker');
    const [quiet, loud] = await Promise.all(both);
    assert.equal(quiet.language, 'ko');
    assert.equal(loud.language, 'en');
    assert.equal(quiet.text, 'hello world 안녕하세요');
    assert.equal(loud.text, 'hello world 안녕하세요');
    assert.equal(pool.threads, 2);
  });

  it('keeps the engine\'s refusal codes across the thread: unknown language, non-finite samples, audio past the limit', async () => {
    await rejectsWithCode(pooled.transcribe(silence(1), { language: 'xx' }), 'language_unsupported', /"xx".*en, zh/);
    const broken = silence(1);
    broken[100] = Number.NaN;
    await rejectsWithCode(pooled.transcribe(broken), 'audio_invalid', /NaN/);
    await rejectsWithCode(pooled.transcribe(silence(601)), 'audio_too_long', /601\.0 s.*600 s/);
    // Positive control: the workers still answer after refusing.
    assert.equal((await pooled.transcribe(silence(1), { language: 'ko' })).text, 'hello world 안녕하세요');
  });

  it('drops a request aborted while it waits, discards one aborted while it runs, and serves the rest', async () => {
    const single = new InferencePool({ size: 1 });
    try {
      const engine = await createPooledWhisperEngine(single, { modelDir: tiny.dir, language: 'ko' });
      const running = new AbortController();
      const waiting = new AbortController();
      const first = engine.transcribe(silence(3), { signal: running.signal });
      const second = engine.transcribe(silence(3), { signal: waiting.signal });
      const third = engine.transcribe(silence(3));
      assert.equal(single.queued, 2, 'the second and third wait behind the first');
      const endedWaiting = new Error(`meeting ended ${randomBytes(16).toString('hex')}`);
      waiting.abort(endedWaiting);
      assert.equal(single.queued, 1, 'the aborted request left the queue');
      const endedRunning = new Error(`meeting ended ${randomBytes(16).toString('hex')}`);
      running.abort(endedRunning);
      await assert.rejects(second, (err) => err === endedWaiting);
      await assert.rejects(first, (err) => err === endedRunning);
      assert.equal((await third).text, 'hello world 안녕하세요');
      const before = new AbortController();
      const over = new Error(`meeting ended ${randomBytes(16).toString('hex')}`);
      before.abort(over);
      await assert.rejects(engine.transcribe(silence(1), { signal: before.signal }), (err) => err === over);
    } finally {
      await single.close();
    }
  });

  describe('a bad ASR_MODEL_DIR fails at creation with the loader\'s message', () => {
    it('lists every file an incomplete directory lacks', async () => {
      const dir = path.join(root, 'incomplete');
      writeTinyWhisper(dir);
      fs.rmSync(path.join(dir, 'tokenizer.json'));
      fs.rmSync(path.join(dir, 'onnx', 'decoder_model_merged.onnx'));
      await rejectsWithCode(createPooledWhisperEngine(pool, { modelDir: dir }), 'model_incomplete', /lacks tokenizer\.json, onnx\/decoder_model_merged\.onnx \(or onnx\/decoder_model\.onnx \+ onnx\/decoder_with_past_model\.onnx\).*whisper-download/);
    });

    it('names a directory that does not exist, and a default language the model does not know', async () => {
      await rejectsWithCode(createPooledWhisperEngine(pool, { modelDir: path.join(root, 'nowhere') }), 'model_incomplete', /nowhere is not a directory/);
      await rejectsWithCode(createPooledWhisperEngine(pool, { modelDir: tiny.dir, language: 'xx' }), 'language_unsupported', /"xx"/);
      // Positive control: the pool still serves the good model.
      assert.equal((await pooled.transcribe(silence(1), { language: 'en' })).language, 'en');
    });

    it('ASR_ENGINE=whisper at start: an incomplete directory stops start-up with that message; a complete one transcribes in the pool', async () => {
      const dir = path.join(root, 'no-encoder');
      writeTinyWhisper(dir);
      fs.rmSync(path.join(dir, 'onnx', 'encoder_model.onnx'));
      const models = new ModelRegistry([], { ocrThreads: 1, warmup: false }, logger);
      await rejectsWithCode(startSpeech({ config: speechConfig(dir), models, logger }), 'model_incomplete', /lacks onnx\/encoder_model\.onnx/);
      const speech = await startSpeech({ config: speechConfig(tiny.dir), models: new ModelRegistry([], { ocrThreads: 1, warmup: false }, logger), logger });
      try {
        assert.ok(speech.asr instanceof PooledWhisperEngine, 'the recogniser runs in the inference pool');
        assert.deepEqual(speech.asr.languages, local.languages);
        assert.deepEqual(await speech.asr.transcribe(silence(3), { language: 'ko' }), await local.transcribe(silence(3), { language: 'ko' }));
      } finally {
        await speech.close();
      }
    });
  });
});
