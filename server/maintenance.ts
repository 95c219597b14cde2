// The server's periodic housekeeping: one sweep, at start and then every hour on the injected
// clock, runs each task in turn (deleting what has outlived its retention, say). Passes run one
// at a time (SerialWorker); a task that fails is logged and the others still run. Every node
// sweeps: the tasks are idempotent deletes and updates, so two nodes at once do no harm.
import type { Clock, Timer } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { SerialWorker } from './serial-worker.js';

export const MAINTENANCE_EVERY_MS = 60 * 60 * 1000;

export interface MaintenanceTask {
  name: string;
  /** Does one round of the task; returns what it changed (counts), for the log and tests. */
  run(): Promise<Record<string, number>>;
}

/** What one pass did: each task's counts, or its error message. */
export type MaintenanceReport = Record<string, Record<string, number> | { error: string }>;

export class MaintenanceSweep {
  private readonly worker: SerialWorker;
  private timer: Timer | null = null;
  private passesStarted = 0;
  private waiters: Array<{ after: number; resolve: (report: MaintenanceReport) => void; reject: (err: Error) => void }> = [];

  constructor(
    private readonly tasks: MaintenanceTask[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.worker = new SerialWorker(
      () => this.pass(),
      (err) => this.logger.warn({ err: err.message }, 'maintenance pass failed'),
    );
  }

  start(): void {
    this.timer = this.clock.interval(() => this.worker.nudge(), MAINTENANCE_EVERY_MS);
    this.worker.nudge();
  }

  /** The report of the first pass that starts after this call (tests move the clock, then wait for it). */
  nextPass(): Promise<MaintenanceReport> {
    const after = this.passesStarted;
    return new Promise((resolve, reject) => this.waiters.push({ after, resolve, reject }));
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.worker.stop();
    // No pass will come: whoever waits for one is told so rather than left waiting.
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('maintenance stopped before its next pass'));
  }

  private async pass(): Promise<void> {
    const number = ++this.passesStarted;
    const report: MaintenanceReport = {};
    for (const task of this.tasks) {
      if (this.worker.stopped) break;
      try {
        const counts = await task.run();
        report[task.name] = counts;
        if (Object.values(counts).some((n) => n > 0)) this.logger.info({ task: task.name, ...counts }, 'maintenance');
      } catch (err) {
        report[task.name] = { error: (err as Error).message };
        this.logger.warn({ task: task.name, err: (err as Error).message }, 'maintenance task failed');
      }
    }
    const due = this.waiters.filter((w) => w.after < number);
    this.waiters = this.waiters.filter((w) => w.after >= number);
    for (const waiter of due) waiter.resolve(report);
  }
}
