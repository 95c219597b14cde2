// ASR_ENGINE=whisper in the inference pool: the log-mel front end and the ONNX sessions run in
// worker threads (each keeps the model loaded after its first request), not on the event loop.
// Start-up asks one worker to load the model with no audio, so a missing or broken
// ASR_MODEL_DIR fails at start with the loader's own message, and the model's languages come
// back with that answer. Other workers load it on their first utterance.
import type { AsrEngine, AsrOptions, AsrResult } from '../engine.js';
import { InferenceError, type InferencePool } from '../../pool/pool.js';
import { WhisperError, type WhisperErrorCode } from './errors.js';

export interface PooledWhisperOptions {
  modelDir: string;
  /** Language used when a call names none; absent: detected per call. */
  language?: string;
  /** Timestamp tokens (segments in `words`); default on. */
  timestamps?: boolean;
}

const WHISPER_CODES: ReadonlySet<string> = new Set<WhisperErrorCode>(['model_incomplete', 'model_invalid', 'language_unsupported', 'audio_invalid', 'audio_too_long']);

export async function createPooledWhisperEngine(pool: InferencePool, options: PooledWhisperOptions): Promise<PooledWhisperEngine> {
  const { languages } = await request(pool, options, options.language, new Float32Array(0));
  return new PooledWhisperEngine(pool, options, languages);
}

export class PooledWhisperEngine implements AsrEngine {
  readonly name = 'whisper';

  constructor(
    private readonly pool: InferencePool,
    private readonly options: PooledWhisperOptions,
    readonly languages: readonly string[],
  ) {}

  /**
   * An abort while the request waits for a worker drops it. A worker cannot be interrupted:
   * once the request runs it is awaited, and its result discarded for the abort's reason.
   */
  async transcribe(samples: Float32Array, options: AsrOptions = {}): Promise<AsrResult> {
    options.signal?.throwIfAborted();
    // A copy travels to the worker, so the caller's array stays whole (transferring would detach it).
    const { result } = await request(this.pool, this.options, options.language ?? this.options.language, samples.slice(), options.signal);
    options.signal?.throwIfAborted();
    return result;
  }

  /** The pool belongs to whoever built it and is closed there; workers keep the model until then. */
  async close(): Promise<void> {}
}

async function request(pool: InferencePool, options: PooledWhisperOptions, language: string | undefined, samples: Float32Array, signal?: AbortSignal) {
  try {
    return await pool.whisper(
      { modelDir: options.modelDir, samples, ...(language === undefined ? {} : { language }), ...(options.timestamps === undefined ? {} : { timestamps: options.timestamps }) },
      signal,
    );
  } catch (err) {
    // The engine's own refusals keep their class and code across the thread boundary.
    if (err instanceof InferenceError && err.code === 'inference_failed' && err.reason !== undefined && WHISPER_CODES.has(err.reason)) {
      throw new WhisperError(err.reason as WhisperErrorCode, err.message);
    }
    throw err;
  }
}
