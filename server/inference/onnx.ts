// onnxruntime-node on the CPU. Sessions are created once and reused; inference runs on
// onnxruntime's own threads, so the event loop only waits for the result.
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

export type OnnxSession = ort.InferenceSession;
export { ort };

export interface OnnxSessionOptions {
  /** Threads for one inference; small models run best on one. */
  intraOpThreads?: number;
}

export async function loadOnnxModel(modelPath: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  if (!fs.existsSync(modelPath)) throw new Error(`ONNX model not found: ${modelPath}`);
  return ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.intraOpThreads ?? 1,
    interOpNumThreads: 1,
  });
}
