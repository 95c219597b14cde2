// An inference worker thread: holds ONNX sessions (one per model file, loaded on first use)
// and answers one request at a time. Streams' state arrives with each request and leaves with
// its result, so any worker can serve any stream.
import { parentPort } from 'node:worker_threads';
import { loadOnnxModel, type OnnxSession } from '../onnx.js';
import { runSileroWindows } from '../vad/silero.js';
import { transferList, type InferenceResult, type RequestMessage, type ResponseMessage } from './protocol.js';

const sessions = new Map<string, Promise<OnnxSession>>();

function session(model: string): Promise<OnnxSession> {
  let loading = sessions.get(model);
  if (!loading) {
    loading = loadOnnxModel(model);
    loading.catch(() => sessions.delete(model));
    sessions.set(model, loading);
  }
  return loading;
}

async function handle(message: RequestMessage): Promise<InferenceResult> {
  const { request } = message;
  switch (request.kind) {
    case 'vad': {
      const carry = { state: request.state, context: request.context };
      const probabilities = await runSileroWindows(await session(request.model), request.windows, carry);
      return { kind: 'vad', probabilities, state: carry.state, context: carry.context };
    }
  }
}

const port = parentPort;
if (!port) throw new Error('the inference worker must run in a worker thread');
port.on('message', (message: RequestMessage) => {
  handle(message).then(
    (result) => {
      const reply: ResponseMessage = { id: message.id, ok: true, result };
      port.postMessage(reply, transferList([result.probabilities, result.state, result.context]));
    },
    (err: unknown) => {
      const reply: ResponseMessage = { id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
});
