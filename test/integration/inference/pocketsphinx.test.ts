// pocketsphinx (Debian, English) through our engine, on real speech made by flite.
import assert from 'node:assert/strict';
import { NoAsrEngine } from '../../../server/inference/asr/none.js';
import { parsePocketsphinxOutput, PocketsphinxEngine, pocketsphinxUnavailable } from '../../../server/inference/asr/pocketsphinx.js';
import { requireTools, speech, wordErrorRate } from '../../helpers/speech.js';

describe('ASR engine: pocketsphinx', function () {
  this.timeout(60_000);
  let engine: PocketsphinxEngine;

  before(function () {
    requireTools(this, 'flite', 'sox', 'pocketsphinx_continuous');
    engine = new PocketsphinxEngine();
  });

  it('transcribes an English sentence with word times inside the audio and a confidence', async () => {
    const sentence = 'let us meet again next friday to discuss the first five chapters';
    const audio = speech(sentence, { padBefore: 0.5, padAfter: 0.5 });
    const result = await engine.transcribe(audio);
    const wer = wordErrorRate(sentence, result.text);
    assert.ok(wer <= 0.25, `word error rate ${wer.toFixed(2)}: "${result.text}"`);
    assert.equal(result.language, 'en');
    assert.ok(result.confidence !== null && result.confidence > 0.5 && result.confidence <= 1, `confidence ${result.confidence}`);
    const seconds = audio.length / 16_000;
    assert.ok(result.words && result.words.length >= 8, 'word times are reported');
    for (const word of result.words) assert.ok(word.start >= 0.3 && word.end <= seconds && word.start < word.end, JSON.stringify(word));
  });

  it('gives no words for silence', async () => {
    const result = await engine.transcribe(new Float32Array(16_000));
    assert.equal(result.text, '');
    assert.equal(result.confidence, null);
  });

  it('refuses a language it does not speak instead of pretending', async () => {
    await assert.rejects(engine.transcribe(new Float32Array(1600), { language: 'ko' }), /English only/);
  });

  it('stops a recognition when asked', async () => {
    const controller = new AbortController();
    const running = engine.transcribe(speech('a sentence that is long enough to still be running'), { signal: controller.signal });
    controller.abort();
    await assert.rejects(running, /abort/i);
  });
});

describe('ASR engine: pocketsphinx output and availability', () => {
  it('reads words, skips fillers and alternates, and averages the posteriors', () => {
    const parsed = parsePocketsphinxOutput(['hello there', '<s> 0.000 0.200 0.999', 'hello 0.21 0.50 0.9', '<sil> 0.5 0.6 1.0', '[NOISE] 0.6 0.7 0.5', 'there(2) 0.70 1.00 0.7', '</s> 1.0 1.1 1.0'].join('\n'));
    assert.equal(parsed.text, 'hello there');
    assert.deepEqual(parsed.words, [{ text: 'hello', start: 0.21, end: 0.5 }, { text: 'there', start: 0.7, end: 1 }]);
    assert.ok(Math.abs((parsed.confidence ?? 0) - 0.8) < 1e-9);
  });

  it('says why it cannot run where the binary or the model is missing', () => {
    assert.match(pocketsphinxUnavailable({ binary: undefined, modelDir: '/nonexistent-model-dir-7f3c9a' }) ?? '', /model is missing|not installed/);
    const prior = process.env.PATH;
    process.env.PATH = '/nonexistent-bin-dir-7f3c9a';
    try {
      assert.match(pocketsphinxUnavailable() ?? '', /not installed/);
    } finally {
      process.env.PATH = prior;
    }
  });

  it('none records no text, in any language', async () => {
    const result = await new NoAsrEngine().transcribe();
    assert.deepEqual(result, { text: '', confidence: null, language: null });
  });
});
