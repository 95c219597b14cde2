// What bench/inference/live.ts and its server child (live-server.ts) say to each other over IPC:
// the plain RTP transports the bots need (no client event opens them), and the server's own
// event-loop delay histogram, reset before the bots speak and read after the last segment.

export interface PlainRemote {
  ip: string;
  port: number;
}

export type ServerCall =
  | { id: number; method: 'createPlainTransport'; userId: number; meetingId: number; direction: 'send' | 'recv' }
  | { id: number; method: 'connectPlainTransport'; userId: number; meetingId: number; transportId: string; remote: PlainRemote }
  | { id: number; method: 'resetLoopDelay' }
  | { id: number; method: 'readLoopDelay' }
  | { id: number; method: 'close' };

/** Milliseconds. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Samples in the histogram (one per resolution tick that ran late or on time). */
  count: number;
}

export type ServerMessage =
  | { type: 'ready'; url: string; resolutionMs: number }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
