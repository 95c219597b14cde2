// The Whisper engine end to end on a tiny generated export (test/helpers/whisper-model.ts):
// loading from a model directory as the server does, the prompt, language detection, greedy
// decoding with the key/value cache, Whisper's token rules, timestamps and byte-level BPE text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ort } from '../../../server/inference/onnx.js';
import { createWhisperEngine, WhisperEngine } from '../../../server/inference/asr/whisper/engine.js';
import { loadWhisperModel, releaseWhisperModel, type SessionLike, type WhisperModel } from '../../../server/inference/asr/whisper/model.js';
import { rejectsWithCode, writeTinyWhisper, type TinyWhisper } from '../../helpers/whisper-model.js';

const RATE = 16_000;
const silence = (seconds: number) => new Float32Array(Math.round(seconds * RATE));
const loudTone = (seconds: number) => Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / RATE));

interface DecoderCall {
  inputIds: number[];
  pastLength: number | undefined;
  useCacheBranch: boolean | undefined;
}

/** Wraps a session so each run records its input ids, cache length and branch flag. */
function watch(session: SessionLike, calls: DecoderCall[]): SessionLike {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    release: () => session.release(),
    run: (feeds) => {
      const ids = feeds.input_ids as ort.Tensor;
      const branch = feeds.use_cache_branch?.data as Uint8Array | undefined;
      calls.push({
        inputIds: [...(ids.data as BigInt64Array)].map(Number),
        pastLength: feeds['past_key_values.0.decoder.key']?.dims[2],
        useCacheBranch: branch === undefined ? undefined : branch[0] === 1,
      });
      return session.run(feeds);
    },
  };
}

describe('ASR engine: whisper (tiny generated export)', function () {
  this.timeout(60_000);
  let root: string;
  let tiny: TinyWhisper;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'whisper-test-'));
    tiny = writeTinyWhisper(path.join(root, 'merged'));
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('merged decoder (decoder_model_merged.onnx)', () => {
    let engine: Awaited<ReturnType<typeof createWhisperEngine>>;
    before(async () => {
      engine = await createWhisperEngine({ modelDir: tiny.dir });
    });
    after(() => engine.close());

    it('lists the languages of generation_config.json', () => {
      assert.equal(engine.name, 'whisper');
      assert.deepEqual([...engine.languages].sort(), ['de', 'en', 'es', 'fr', 'ja', 'ko', 'ru', 'zh']);
    });

    it('transcribes with the language forced: exact text (English and Korean), timed segments, confidence', async () => {
      const result = await engine.transcribe(silence(3), { language: 'ko' });
      assert.equal(result.text, 'hello world 안녕하세요');
      assert.equal(result.language, 'ko');
      assert.deepEqual(result.words, tiny.segments);
      // Mean probability of the text tokens: each was the table's 10 against unsuppressed zeros.
      assert.ok(result.confidence !== null && result.confidence > 0.9 && result.confidence <= 1, String(result.confidence));
    });

    it('detects the language when none is forced: the likeliest language token, not the likeliest token', async () => {
      // After <|startoftranscript|> a text token scores 20, <|ko|> 10, <|en|> 8 + 4·(mean encoder output + 1.5).
      const quiet = await engine.transcribe(silence(3));
      assert.equal(quiet.language, 'ko');
      assert.equal(quiet.text, 'hello world 안녕하세요');
      const loud = await engine.transcribe(loudTone(3));
      assert.equal(loud.language, 'en');
      assert.equal(loud.text, 'hello world 안녕하세요');
    });

    it('lets a forced language win over what detection would say, and reads BCP 47 tags by their primary subtag', async () => {
      assert.equal((await engine.transcribe(loudTone(3), { language: 'ko-KR' })).language, 'ko');
      assert.equal((await engine.transcribe(silence(3), { language: 'en' })).language, 'en');
    });

    it('splits audio longer than 30 s into 30 s windows, with times from the start of the audio', async () => {
      const result = await engine.transcribe(silence(40), { language: 'en' });
      assert.equal(result.text, 'hello world 안녕하세요 hello world 안녕하세요');
      assert.deepEqual(result.words, [...tiny.segments, ...tiny.segments.map((s) => ({ ...s, start: s.start + 30, end: s.end + 30 }))]);
    });

    it('refuses bad input with stable codes: unknown language, non-finite samples, audio past the limit', async () => {
      await rejectsWithCode(engine.transcribe(silence(1), { language: 'xx' }), 'language_unsupported', /"xx".*en, zh/);
      const broken = silence(1);
      broken[100] = Number.NaN;
      await rejectsWithCode(engine.transcribe(broken), 'audio_invalid', /NaN/);
      await rejectsWithCode(engine.transcribe(silence(601)), 'audio_too_long', /601\.0 s.*600 s/);
      // Positive control: the engine still works after refusing.
      assert.equal((await engine.transcribe(silence(1), { language: 'ko' })).text, 'hello world 안녕하세요');
    });

    it('returns an empty result for empty audio and stops when the signal aborts', async () => {
      assert.deepEqual(await engine.transcribe(new Float32Array(0), { language: 'ko' }), { text: '', confidence: null, language: 'ko', words: [] });
      const controller = new AbortController();
      controller.abort(new Error('meeting ended'));
      await assert.rejects(engine.transcribe(silence(1), { signal: controller.signal }), /meeting ended/);
    });
  });

  describe('key/value cache', () => {
    let model: WhisperModel;
    const calls: DecoderCall[] = [];
    before(async () => {
      const loaded = await loadWhisperModel(tiny.dir);
      assert.equal(loaded.decoder.kind, 'merged');
      if (loaded.decoder.kind !== 'merged') return;
      model = { ...loaded, decoder: { kind: 'merged', session: watch(loaded.decoder.session, calls) } };
    });
    after(() => releaseWhisperModel(model));

    it('feeds the whole prompt once, then one token per step with the cache growing by one', async () => {
      const engine = new WhisperEngine(model, { language: 'ko' });
      calls.length = 0;
      const result = await engine.transcribe(silence(2));
      assert.equal(result.text, 'hello world 안녕하세요');
      const { sot, transcribe, languages } = tiny.ids;
      assert.deepEqual(calls[0], { inputIds: [sot, languages.ko, transcribe], pastLength: 0, useCacheBranch: false });
      // Every generated token but the last (<|endoftext|>) is fed back alone.
      const generated = tiny.timestampedSequence.slice(0, -1);
      assert.equal(calls.length, 1 + generated.length);
      generated.forEach((token, i) => assert.deepEqual(calls[i + 1], { inputIds: [token], pastLength: 3 + i, useCacheBranch: true }));
    });

    it('continues the detection step: <|startoftranscript|> alone, then the rest of the prompt on the cache', async () => {
      const engine = new WhisperEngine(model);
      calls.length = 0;
      assert.equal((await engine.transcribe(silence(2))).language, 'ko');
      const { sot, transcribe, languages } = tiny.ids;
      assert.deepEqual(calls[0], { inputIds: [sot], pastLength: 0, useCacheBranch: false });
      assert.deepEqual(calls[1], { inputIds: [languages.ko, transcribe], pastLength: 1, useCacheBranch: true });
      assert.deepEqual(calls[2], { inputIds: [tiny.timestampedSequence[0]], pastLength: 3, useCacheBranch: true });
    });
  });

  describe('without timestamps', () => {
    it('prompts with <|notimestamps|>, suppresses timestamp tokens and suppress_tokens, and returns text only', async () => {
      const engine = await createWhisperEngine({ modelDir: tiny.dir, language: 'ko', timestamps: false });
      try {
        const result = await engine.transcribe(silence(2));
        // The table's second choices after each text token lead through the text without timestamps;
        // after " hel" its first choice is "#", which generation_config.json suppresses.
        assert.equal(result.text, 'hello world 안녕하세요');
        assert.equal(result.words, undefined);
        assert.equal(result.language, 'ko');
      } finally {
        await engine.close();
      }
    });
  });

  describe('split decoder (decoder_model.onnx + decoder_with_past_model.onnx)', () => {
    it('runs the first step on decoder_model and the rest on decoder_with_past_model', async () => {
      const dir = path.join(root, 'split');
      const split = writeTinyWhisper(dir, { layout: 'split', nMels: 128, mergeFormat: 'pair' });
      const loaded = await loadWhisperModel(dir);
      assert.equal(loaded.decoder.kind, 'split');
      if (loaded.decoder.kind !== 'split') return;
      const first: DecoderCall[] = [];
      const withPast: DecoderCall[] = [];
      const engine = new WhisperEngine({ ...loaded, decoder: { kind: 'split', first: watch(loaded.decoder.first, first), withPast: watch(loaded.decoder.withPast, withPast) } });
      try {
        const result = await engine.transcribe(loudTone(2));
        assert.equal(result.text, 'hello world 안녕하세요');
        assert.equal(result.language, 'en');
        assert.deepEqual(result.words, split.segments);
        assert.deepEqual(first.map((c) => c.inputIds), [[split.ids.sot]]);
        assert.deepEqual(withPast.map((c) => c.pastLength), Array.from({ length: withPast.length }, (_, i) => (i === 0 ? 1 : 2 + i)));
      } finally {
        await engine.close();
      }
    });
  });

  describe('loading ASR_MODEL_DIR', () => {
    it('names a directory that does not exist', async () => {
      const missing = path.join(root, 'nowhere');
      await rejectsWithCode(createWhisperEngine({ modelDir: missing }), 'model_incomplete', /nowhere is not a directory.*whisper-download/);
    });

    it('lists every file an incomplete directory lacks', async () => {
      const dir = path.join(root, 'incomplete');
      writeTinyWhisper(dir);
      fs.rmSync(path.join(dir, 'tokenizer.json'));
      fs.rmSync(path.join(dir, 'onnx', 'decoder_model_merged.onnx'));
      await rejectsWithCode(createWhisperEngine({ modelDir: dir }), 'model_incomplete', /lacks tokenizer\.json, onnx\/decoder_model_merged\.onnx \(or onnx\/decoder_model\.onnx \+ onnx\/decoder_with_past_model\.onnx\)/);
    });

    it('names the inputs and outputs a decoder lacks for the layers config.json declares', async () => {
      const dir = path.join(root, 'fewer-layers');
      writeTinyWhisper(dir, { layers: 2 });
      const configPath = path.join(dir, 'config.json');
      fs.writeFileSync(configPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(configPath, 'utf8')), decoder_layers: 3 }));
      await rejectsWithCode(createWhisperEngine({ modelDir: dir }), 'model_invalid', /decoder_model_merged\.onnx lacks inputs past_key_values\.2\.decoder\.key.*and outputs present\.2\.decoder\.key/);
    });

    it('names a broken JSON file and a front end that is not Whisper\'s', async () => {
      const dir = path.join(root, 'broken-json');
      writeTinyWhisper(dir);
      fs.writeFileSync(path.join(dir, 'generation_config.json'), '{"decoder_start_token_id": ');
      await rejectsWithCode(createWhisperEngine({ modelDir: dir }), 'model_invalid', /generation_config\.json is not valid JSON/);
      const other = path.join(root, 'other-hop');
      writeTinyWhisper(other);
      const preprocessor = path.join(other, 'preprocessor_config.json');
      fs.writeFileSync(preprocessor, JSON.stringify({ ...JSON.parse(fs.readFileSync(preprocessor, 'utf8')), hop_length: 256 }));
      await rejectsWithCode(createWhisperEngine({ modelDir: other }), 'model_invalid', /hop_length is 256/);
    });
  });
});
