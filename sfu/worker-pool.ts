// The mediasoup workers of this process: one per core by default. A worker that dies is
// replaced; listeners hear about it so the meetings it carried can be rebuilt elsewhere.
import * as mediasoup from 'mediasoup';
import type { Logger } from '../shared/logger.js';
import { WorkerLoad } from './worker-load.js';

export type Worker = mediasoup.types.Worker;
export type WorkerLogLevel = 'debug' | 'warn' | 'error' | 'none';

export interface WorkerPoolOptions {
  count: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: WorkerLogLevel;
}

type DeathListener = (dead: Worker, replacement: Worker | null) => void;

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly loads = new Map<Worker, WorkerLoad>();
  private readonly deathListeners = new Set<DeathListener>();
  private closed = false;
  /** Workers that died since the pool started (each was replaced, or tried to be). */
  deaths = 0;

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

  /** Each worker with its place in the pool (a replacement takes the place of the dead one). */
  entries(): { index: number; worker: Worker }[] {
    return this.workers.map((worker, index) => ({ index, worker }));
  }

  live(): Worker[] {
    return this.workers.filter((w) => !w.closed);
  }

  load(worker: Worker): WorkerLoad | undefined {
    return this.loads.get(worker);
  }

  /**
   * The live worker carrying the fewest consumers (then routers). Workers in `avoid` are taken
   * only when no other is alive: a meeting spreading out wants a worker it does not use yet.
   */
  leastLoaded(avoid: ReadonlySet<Worker> = new Set()): Worker {
    const weight = (w: Worker): number[] => {
      const load = this.loads.get(w);
      return [avoid.has(w) ? 1 : 0, load?.consumers ?? 0, load?.routers ?? 0];
    };
    const best = this.live().sort((a, b) => {
      const [wa, wb] = [weight(a), weight(b)];
      return (wa[0]! - wb[0]!) || (wa[1]! - wb[1]!) || (wa[2]! - wb[2]!);
    })[0];
    if (!best) throw new Error('no live mediasoup worker');
    return best;
  }

  /** A live worker; when every worker is dead, waits (up to timeoutMs) for a replacement. */
  async liveWorker(timeoutMs = 15_000): Promise<Worker> {
    if (this.live().length > 0) return this.leastLoaded();
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('no live mediasoup worker'));
      }, timeoutMs);
      const off = this.onWorkerDied((_dead, replacement) => {
        if (!replacement || replacement.closed) return;
        clearTimeout(timer);
        off();
        resolve(replacement);
      });
    });
  }

  onWorkerDied(listener: DeathListener): () => void {
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
    this.loads.clear();
  }

  private async spawn(): Promise<Worker> {
    const worker = await mediasoup.createWorker({
      logLevel: this.options.logLevel,
      rtcMinPort: this.options.rtcMinPort,
      rtcMaxPort: this.options.rtcMaxPort,
    });
    this.loads.set(worker, new WorkerLoad(worker));
    worker.on('died', (err: Error) => void this.replace(worker, err));
    return worker;
  }

  private async replace(dead: Worker, err: Error): Promise<void> {
    this.loads.delete(dead);
    const index = this.workers.indexOf(dead);
    if (this.closed || index === -1) return;
    this.deaths += 1;
    this.logger.error({ pid: dead.pid, err: err.message }, 'mediasoup worker died; starting a replacement');
    let replacement: Worker | null = null;
    try {
      replacement = await this.spawn();
      if (this.closed) {
        replacement.close();
        return;
      }
      this.workers[this.workers.indexOf(dead)] = replacement;
    } catch (spawnErr) {
      this.workers.splice(this.workers.indexOf(dead), 1);
      this.logger.fatal({ err: (spawnErr as Error).message }, 'could not replace a mediasoup worker');
    }
    for (const listener of this.deathListeners) listener(dead, replacement);
  }
}
