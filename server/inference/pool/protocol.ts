// Messages between the inference pool and its workers. Audio and model state travel as
// Float32Arrays whose buffers are transferred, not copied, in both directions.

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

export type InferenceRequest = VadRequest;
export type InferenceResult = VadResult;

export interface RequestMessage {
  id: number;
  request: InferenceRequest;
}

export type ResponseMessage = { id: number; ok: true; result: InferenceResult } | { id: number; ok: false; error: string };

/** The buffers of a message's arrays, to transfer with it. */
export function transferList(arrays: Float32Array[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  return [...buffers];
}
