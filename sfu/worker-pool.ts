// The mediasoup workers of this process: one per core by default. A worker that dies is
// replaced; listeners hear about it so the meetings it carried can be rebuilt elsewhere.
import * as mediasoup from 'mediasoup';
import type { Logger } from '../shared/logger.js';

export type Worker = mediasoup.types.Worker;
export type WorkerLogLevel = 'debug' | 'warn' | 'error' | 'none';

export interface WorkerPoolOptions {
  count: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: WorkerLogLevel;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly routerCounts = new Map<Worker, number>();
  private readonly deathListeners = new Set<(dead: Worker, replacement: Worker | null) => void>();
  private closed = false;

  private constructor(private readonly options: WorkerPoolOptions, private readonly logger: Logger) {}

  static async start(options: WorkerPoolOptions, logger: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(options, logger);
    try {
      for (let i = 0; i < options.count; i += 1) pool.workers.push(await pool.spawn());
    } catch (err) {
      pool.close();
      throw err;
    }
    logger.info({ workers: pool.workers.map((w) => w.pid) }, 'mediasoup workers started');
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /** The live worker carrying the fewest routers. */
  leastLoaded(): Worker {
    const live = this.workers.filter((w) => !w.closed);
    const best = live.sort((a, b) => (this.routerCounts.get(a) ?? 0) - (this.routerCounts.get(b) ?? 0))[0];
    if (!best) throw new Error('no live mediasoup worker');
    return best;
  }

  onWorkerDied(listener: (dead: Worker, replacement: Worker | null) => void): () => void {
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  allAlive(): boolean {
    return this.workers.length === this.options.count && this.workers.every((w) => !w.closed);
  }

  close(): void {
    this.closed = true;
    for (const worker of this.workers) worker.close();
    this.workers.length = 0;
  }

  private async spawn(): Promise<Worker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel,
      rtcMinPort: this.options.rtcMinPort,
      rtcMaxPort: this.options.rtcMaxPort,
    });
    this.routerCounts.set(worker, 0);
    worker.observer.on('newrouter', (router: mediasoup.types.Router) => {
      this.routerCounts.set(worker, (this.routerCounts.get(worker) ?? 0) + 1);
      router.observer.once('close', () => this.routerCounts.set(worker, Math.max(0, (this.routerCounts.get(worker) ?? 1) - 1)));
    });
    worker.on('died', (err: Error) => void this.replace(worker, err));
    return worker;
  }

  private async replace(dead: Worker, err: Error): Promise<void> {
    this.routerCounts.delete(dead);
    const index = this.workers.indexOf(dead);
    if (this.closed || index === -1) return;
    this.logger.error({ pid: dead.pid, err: err.message }, 'mediasoup worker died; starting a replacement');
    let replacement: Worker | null = null;
    try {
      replacement = await this.spawn();
      if (this.closed) {
        replacement.close();
        return;
      }
      this.workers[index] = replacement;
    } catch (spawnErr) {
      this.workers.splice(index, 1);
      this.logger.fatal({ err: (spawnErr as Error).message }, 'could not replace a mediasoup worker');
    }
    for (const listener of this.deathListeners) listener(dead, replacement);
  }
}
