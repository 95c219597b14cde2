// The server of bench/inference/live.ts, in its own process: Roundtable from the composition root
// (as the live transcription test starts it: PGlite in memory unless DATABASE_URL is set, one
// SFU worker, ASR_ENGINE from the environment), answering over IPC (live-ipc.ts). Its event-loop
// delay is measured here, inside the process that does the work, by perf_hooks.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTestServer } from '../../test/helpers/server.js';
import type { LoopDelay, ServerCall, ServerMessage } from './live-ipc.js';

const RESOLUTION_MS = 2;

function send(message: ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('run by bench/inference/live.ts (needs an IPC channel)');
  const server = await startTestServer({ env: { SFU_WORKERS: '1', ...(process.env.ASR_ENGINE ? { ASR_ENGINE: process.env.ASR_ENGINE } : {}) } });
  const hub = server.app.meetings;
  if (!hub) throw new Error('the server started without its SFU');
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const ms = (ns: number): number => ns / 1e6;

  const answer = async (call: ServerCall): Promise<unknown> => {
    switch (call.method) {
      case 'createPlainTransport':
        return hub.createPlainTransport(call.userId, call.meetingId, call.direction);
      case 'connectPlainTransport':
        return hub.connectPlainTransport(call.userId, call.meetingId, call.transportId, call.remote);
      case 'resetLoopDelay':
        delay.reset();
        return null;
      case 'readLoopDelay':
        return { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean), count: delay.count } satisfies LoopDelay;
      case 'close':
        delay.disable();
        await server.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };

  process.on('message', (call: ServerCall) => {
    answer(call).then(
      (result) => send({ type: 'reply', id: call.id, ok: true, result: result ?? null }),
      (err: unknown) => send({ type: 'reply', id: call.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  send({ type: 'ready', url: server.url, resolutionMs: RESOLUTION_MS });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
