// An inference worker thread: holds ONNX sessions (one per model file, and one Whisper model
// per model directory, each loaded on first use and kept until the thread ends) and answers one
// request at a time. Streams' state arrives with each request and leaves with its result, so
// any worker can serve any stream.
import { parentPort } from 'node:worker_threads';
import { WhisperEngine } from '../asr/whisper/engine.js';
import { loadWhisperModel, type WhisperModel } from '../asr/whisper/model.js';
import { loadOnnxModel, type OnnxSession } from '../onnx.js';
import { runSileroWindows } from '../vad/silero.js';
import { resultArrays, transferList, type InferenceResult, type RequestMessage, type ResponseMessage, type WhisperRequest } from './protocol.js';

const sessions = new Map<string, Promise<OnnxSession>>();
const whisperModels = new Map<string, Promise<WhisperModel>>();
/** Engines over a shared model: timestamps is an engine option, the model is the costly part. */
const whisperEngines = new Map<string, WhisperEngine>();

/** Loads once per key; a failed load is forgotten so the next request tries again. */
function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let loading = cache.get(key);
  if (!loading) {
    loading = load();
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

async function whisperEngine(request: WhisperRequest): Promise<WhisperEngine> {
  const timestamps = request.timestamps ?? true;
  const key = `${timestamps ? 'timestamps' : 'text'}:${request.modelDir}`;
  const model = await cached(whisperModels, request.modelDir, () => loadWhisperModel(request.modelDir));
  let engine = whisperEngines.get(key);
  if (!engine) {
    engine = new WhisperEngine(model, { timestamps });
    whisperEngines.set(key, engine);
  }
  return engine;
}

async function handle(message: RequestMessage): Promise<InferenceResult> {
  const { request } = message;
  switch (request.kind) {
    case 'vad': {
      const carry = { state: request.state, context: request.context };
      const probabilities = await runSileroWindows(await cached(sessions, request.model, () => loadOnnxModel(request.model)), request.windows, carry);
      return { kind: 'vad', probabilities, state: carry.state, context: carry.context };
    }
    case 'whisper': {
      const engine = await whisperEngine(request);
      const result = await engine.transcribe(request.samples, request.language === undefined ? {} : { language: request.language });
      return { kind: 'whisper', result, languages: [...engine.languages] };
    }
  }
}

function errorCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

const port = parentPort;
if (!port) throw new Error('the inference worker must run in a worker thread');
port.on('message', (message: RequestMessage) => {
  handle(message).then(
    (result) => {
      const reply: ResponseMessage = { id: message.id, ok: true, result };
      port.postMessage(reply, transferList(resultArrays(result)));
    },
    (err: unknown) => {
      const code = errorCode(err);
      const reply: ResponseMessage = { id: message.id, ok: false, error: err instanceof Error ? err.message : String(err), ...(code === undefined ? {} : { code }) };
      port.postMessage(reply);
    },
  );
});
