// A small pool of worker threads running ONNX inference off the event loop. Each worker serves
// one request at a time; requests wait in a bounded queue and are refused past it. A worker
// that dies rejects the request it was running and is replaced on the next request. A request
// whose signal aborts while it waits is dropped; one already running cannot be stopped.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { resolveWorkerEntry, startWorker, type WorkerEntry } from './entry.js';
import {
  transferList,
  type InferenceRequest,
  type InferenceResult,
  type RequestMessage,
  type ResponseMessage,
  type VadRequest,
  type VadResult,
  type WhisperRequest,
  type WhisperResult,
} from './protocol.js';

export type InferenceErrorCode = 'inference_queue_full' | 'inference_worker_crashed' | 'inference_pool_closed' | 'inference_failed';

export class InferenceError extends Error {
  constructor(
    readonly code: InferenceErrorCode,
    message: string,
    /** inference_failed: the stable code of the worker's error, when it had one. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface InferencePoolOptions {
  /** Worker threads. Default: one per core beyond the first, at least 1, at most 2. */
  size?: number;
  /** Requests waiting for a worker before more are refused (default 64). */
  maxQueue?: number;
  /** The worker entry without extension (default: ./worker beside this file); tests swap it. */
  entry?: URL;
}

interface Job {
  message: RequestMessage;
  transfer: ArrayBuffer[];
  resolve(result: InferenceResult): void;
  reject(err: unknown): void;
  /** Detaches the abort listener once the job leaves the queue for a worker. */
  settle?: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  /** Why it failed, when it reported an error before exiting. */
  error?: string;
}

export class InferencePool {
  readonly size: number;
  private readonly maxQueue: number;
  private readonly entry: WorkerEntry;
  private readonly slots: (Slot | null)[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(options: InferencePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(2, Math.max(1, os.availableParallelism() - 1))));
    this.maxQueue = Math.max(0, options.maxQueue ?? 64);
    this.entry = resolveWorkerEntry(options.entry ?? new URL('./worker', import.meta.url));
    this.slots = Array.from({ length: this.size }, () => null);
  }

  /** The file the workers run: worker.js when compiled, worker.ts under tsx. */
  get workerFile(): string {
    return fileURLToPath(this.entry.filename);
  }

  /** Requests waiting for a worker (not counting those running). */
  get queued(): number {
    return this.queue.length;
  }

  /** Threads alive now (workers start on first use and after a crash, on the next request). */
  get threads(): number {
    return this.slots.filter((s) => s !== null).length;
  }

  vad(request: Omit<VadRequest, 'kind'>): Promise<VadResult> {
    const message: VadRequest = { kind: 'vad', ...request };
    return this.run(message, transferList([request.windows, request.state, request.context])).then((result) => expectKind(result, 'vad'));
  }

  /** `request.samples` is handed over (its buffer moves to the worker). */
  whisper(request: Omit<WhisperRequest, 'kind'>, signal?: AbortSignal): Promise<WhisperResult> {
    const message: WhisperRequest = { kind: 'whisper', ...request };
    return this.run(message, transferList([request.samples]), signal).then((result) => expectKind(result, 'whisper'));
  }

  /** A request aborted while it waits is dropped (rejected with the signal's reason); one running finishes. */
  run(request: InferenceRequest, transfer: ArrayBuffer[] = [], signal?: AbortSignal): Promise<InferenceResult> {
    if (this.closed) return Promise.reject(new InferenceError('inference_pool_closed', 'the inference pool is closed'));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const idle = this.slots.some((s) => s === null || s.job === null);
    if (!idle && this.queue.length >= this.maxQueue) {
      return Promise.reject(new InferenceError('inference_queue_full', `inference queue is full (${this.maxQueue} requests waiting)`));
    }
    return new Promise<InferenceResult>((resolve, reject) => {
      const job: Job = { message: { id: this.nextId++, request }, transfer, resolve, reject };
      if (signal) {
        const onAbort = () => {
          const at = this.queue.indexOf(job);
          if (at < 0) return;
          this.queue.splice(at, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.settle = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Refuses what waits, stops every worker (what runs is rejected), and leaves no handle open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closedError = () => new InferenceError('inference_pool_closed', 'the inference pool closed');
    for (const job of this.queue.splice(0)) job.reject(closedError());
    const stopping: Promise<number>[] = [];
    for (const [i, slot] of this.slots.entries()) {
      if (!slot) continue;
      this.slots[i] = null;
      slot.job?.reject(closedError());
      slot.job = null;
      stopping.push(slot.worker.terminate());
    }
    await Promise.all(stopping);
  }

  /** Round robin from the slot after the last one used, so consecutive requests spread out. */
  private dispatch(): void {
    for (let n = 0; n < this.slots.length && this.queue.length > 0; n++) {
      const i = (this.turn + n) % this.slots.length;
      const slot = this.slots[i] ?? this.spawn(i);
      if (slot.job) continue;
      const job = this.queue.shift()!;
      job.settle?.();
      slot.job = job;
      slot.worker.postMessage(job.message, job.transfer);
      this.turn = i + 1;
    }
  }

  private spawn(index: number): Slot {
    const worker = startWorker(this.entry);
    const slot: Slot = { worker, job: null };
    this.slots[index] = slot;
    worker.on('message', (reply: ResponseMessage) => {
      const job = slot.job;
      if (!job || job.message.id !== reply.id) return;
      slot.job = null;
      if (reply.ok) job.resolve(reply.result);
      else job.reject(new InferenceError('inference_failed', reply.error, reply.code));
      this.dispatch();
    });
    worker.on('error', (err: Error) => (slot.error = err.message));
    worker.on('exit', (code) => {
      if (this.slots[index] !== slot) return; // closed, or already replaced
      this.slots[index] = null;
      slot.job?.reject(new InferenceError('inference_worker_crashed', `inference worker exited (code ${code})${slot.error ? `: ${slot.error}` : ''}`));
      slot.job = null;
      this.dispatch();
    });
    return slot;
  }
}

function expectKind<K extends InferenceResult['kind']>(result: InferenceResult, kind: K): Extract<InferenceResult, { kind: K }> {
  if (result.kind !== kind) throw new InferenceError('inference_failed', `an inference worker answered a ${kind} request with a ${result.kind} result`);
  return result as Extract<InferenceResult, { kind: K }>;
}

/** What an aborted request rejects with: the signal's reason (an AbortError unless one was given). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(String(reason), 'AbortError');
}
