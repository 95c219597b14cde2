// Utterances waiting for speech recognition. Recognition is the slow step (pocketsphinx runs
// at about half of real time on one core), so utterances queue here, at most `maxPending`
// across the node, and at most `concurrency` are recognised at once. Past the bound the oldest
// pending utterance is not recognised: it is still recorded (speaker, start, end, no text) and
// the reason is logged and counted, so nothing disappears silently. The lag (how long the
// oldest pending utterance has waited) is what /metrics reports.
import type { Clock as SharedClock } from '../../shared/clock.js';

/** The time the queue reads (only now()), passed in so tests can hold it still. */
export type Clock = Pick<SharedClock, 'now'>;

export interface PendingUtterance {
  meetingId: number;
  userId: number;
  /** Milliseconds from the meeting's start. */
  startMs: number;
  endMs: number;
  samples: Float32Array;
}

export interface RecognitionQueueOptions {
  maxPending?: number;
  concurrency?: number;
}

export interface RecognitionHandlers {
  /** Recognises one utterance and records the result. */
  recognise(utterance: PendingUtterance): Promise<void>;
  /** Records one utterance without text, for `reason`. */
  refuse(utterance: PendingUtterance, reason: string): Promise<void>;
  onError(err: Error, utterance: PendingUtterance): void;
}

export class RecognitionQueue {
  private readonly pending: Array<{ utterance: PendingUtterance; since: number }> = [];
  private running = 0;
  private readonly maxPending: number;
  private readonly concurrency: number;
  private idle: Array<() => void> = [];
  refused = 0;

  constructor(
    private readonly handlers: RecognitionHandlers,
    private readonly clock: Clock,
    options: RecognitionQueueOptions = {},
  ) {
    this.maxPending = Math.max(1, options.maxPending ?? 32);
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  get size(): number {
    return this.pending.length;
  }

  get active(): number {
    return this.running;
  }

  /** Seconds the oldest pending utterance has waited; 0 when nothing waits. */
  lagSeconds(): number {
    const oldest = this.pending[0];
    return oldest ? Math.max(0, (this.clock.now() - oldest.since) / 1000) : 0;
  }

  push(utterance: PendingUtterance): void {
    this.pending.push({ utterance, since: this.clock.now() });
    while (this.pending.length > this.maxPending) {
      const dropped = this.pending.shift();
      if (!dropped) break;
      this.refused += 1;
      void this.settle(this.handlers.refuse(dropped.utterance, `recognition is ${this.maxPending} utterances behind`), dropped.utterance);
    }
    this.pump();
  }

  /** Drops what waits for one speaker (they opted out, or transcription was turned off). */
  discard(matches: (utterance: PendingUtterance) => boolean): number {
    let removed = 0;
    for (let i = this.pending.length - 1; i >= 0; i -= 1) {
      if (matches((this.pending[i] as { utterance: PendingUtterance }).utterance)) {
        this.pending.splice(i, 1);
        removed += 1;
      }
    }
    return removed;
  }

  /** Records what still waits without text (shutting down), and resolves once nothing runs. */
  async refuseAll(reason: string): Promise<void> {
    const waiting = this.pending.splice(0);
    this.refused += waiting.length;
    await Promise.all(waiting.map(({ utterance }) => this.settle(this.handlers.refuse(utterance, reason), utterance)));
    await this.drained();
  }

  /** Resolves once nothing is pending or running. */
  drained(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const next = this.pending.shift();
      if (!next) break;
      this.running += 1;
      void this.settle(this.handlers.recognise(next.utterance), next.utterance).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
    if (this.pending.length === 0 && this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private settle(work: Promise<void>, utterance: PendingUtterance): Promise<void> {
    return work.catch((err: unknown) => this.handlers.onError(err instanceof Error ? err : new Error(String(err)), utterance));
  }
}
