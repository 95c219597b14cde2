// Messages between the inference pool and its workers. Audio and model state travel as
// Float32Arrays whose buffers are transferred, not copied, in both directions.
import type { AsrResult } from '../asr/engine.js';

export interface VadRequest {
  kind: 'vad';
  /** ONNX file of a Silero v5 model. */
  model: string;
  /** Consecutive 512-sample windows of one stream. */
  windows: Float32Array;
  state: Float32Array;
  context: Float32Array;
}

export interface VadResult {
  kind: 'vad';
  probabilities: Float32Array;
  state: Float32Array;
  context: Float32Array;
}

export interface WhisperRequest {
  kind: 'whisper';
  /** A Whisper ONNX export (ASR_MODEL_DIR); each worker loads it once, on first use. */
  modelDir: string;
  /** Forced language; absent: detected from the audio. */
  language?: string;
  /** One utterance, 16 kHz mono; empty audio only loads the model and checks the language. */
  samples: Float32Array;
  /** Timestamp tokens (segments in `words`); default on. */
  timestamps?: boolean;
}

export interface WhisperResult {
  kind: 'whisper';
  result: AsrResult;
  /** The languages the model knows, so the main thread need not read the model itself. */
  languages: string[];
}

export type InferenceRequest = VadRequest | WhisperRequest;
export type InferenceResult = VadResult | WhisperResult;

export interface RequestMessage {
  id: number;
  request: InferenceRequest;
}

/** A failure carries the error's stable code when it had one (a WhisperError's), so callers can branch on it. */
export type ResponseMessage = { id: number; ok: true; result: InferenceResult } | { id: number; ok: false; error: string; code?: string };

/** The buffers of a message's arrays, to transfer with it. */
export function transferList(arrays: Float32Array[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  return [...buffers];
}

/** The arrays a result hands back to the caller. */
export function resultArrays(result: InferenceResult): Float32Array[] {
  switch (result.kind) {
    case 'vad':
      return [result.probabilities, result.state, result.context];
    case 'whisper':
      return [];
  }
}
