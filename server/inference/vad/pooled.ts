// One stream's VAD run in the inference pool: the stream's state and context travel with
// each request and come back with its result, so any worker can serve it.
import type { InferencePool } from '../pool/pool.js';
import { bundledSileroModelPath, newVadCarry, type VadCarry } from './silero.js';

/** What the pipeline needs from a VAD: probabilities of its stream's next 512-sample windows. */
export interface StreamVad {
  probabilities(windows: Float32Array): Promise<Float32Array>;
}

export class PooledVad implements StreamVad {
  private carry: VadCarry = newVadCarry();

  constructor(
    private readonly pool: InferencePool,
    private readonly model = bundledSileroModelPath(),
  ) {}

  /** `windows` is handed over (its buffer moves to the worker): pass a copy you do not need. */
  async probabilities(windows: Float32Array): Promise<Float32Array> {
    const { state, context } = this.carry;
    try {
      const result = await this.pool.vad({ model: this.model, windows, state, context });
      this.carry = { state: result.state, context: result.context };
      return result.probabilities;
    } catch (err) {
      // The carry went to the worker with the request: start over from silence.
      this.carry = newVadCarry();
      throw err;
    }
  }
}
