// The routers of one meeting. A meeting starts on one router; once that router carries its
// consumer budget, new peers go to another router (on another worker when there is one) and
// producers are piped (pipeToRouter) to wherever someone consumes them.
import type * as mediasoup from 'mediasoup';
import { ROUTER_CODECS } from './codecs.js';
import type { Worker, WorkerPool } from './worker-pool.js';

type Router = mediasoup.types.Router;

export interface RouterSlot {
  router: Router;
  worker: Worker;
  /** Consumers of this meeting's peers on this router (pipes not counted). */
  consumers: number;
}

export class RouterSet {
  readonly slots: RouterSlot[] = [];
  private readonly piped = new Map<string, Promise<void>>();
  private placing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly pool: WorkerPool,
    /** Called once when any of these routers goes down with its worker. */
    private readonly onWorkerLost: () => void,
  ) {}

  static async open(pool: WorkerPool, worker: Worker, onWorkerLost: () => void): Promise<RouterSet> {
    const set = new RouterSet(pool, onWorkerLost);
    await set.addRouter(worker);
    return set;
  }

  /** The first router: it hosts the meeting's speech observers. */
  get main(): RouterSlot {
    const main = this.slots[0];
    if (!main) throw new Error('router set is empty');
    return main;
  }

  get closed(): boolean {
    return this.slots.some((s) => s.router.closed);
  }

  /**
   * Where a joining peer's transports go: the router with the fewest consumers, or a new one
   * when even that one has reached the budget. Serialized so that simultaneous joins agree.
   */
  slotForPeer(consumerBudget: number): Promise<RouterSlot> {
    const placed = this.placing.then(async () => {
      const lightest = [...this.slots].sort((a, b) => a.consumers - b.consumers)[0] ?? this.main;
      if (lightest.consumers < consumerBudget) return lightest;
      const used = new Set(this.slots.map((s) => s.worker));
      return this.addRouter(this.pool.leastLoaded(used));
    });
    this.placing = placed.catch(() => undefined);
    return placed;
  }

  /** Makes `producerId` (living on `from`) consumable on `to`; once per producer and router. */
  async bring(producerId: string, from: RouterSlot, to: RouterSlot): Promise<void> {
    if (from === to) return;
    const key = `${producerId}>${to.router.id}`;
    let piping = this.piped.get(key);
    if (!piping) {
      piping = from.router.pipeToRouter({ producerId, router: to.router }).then(({ pipeProducer }) => {
        pipeProducer?.observer.once('close', () => this.piped.delete(key));
      });
      piping.catch(() => this.piped.delete(key));
      this.piped.set(key, piping);
    }
    await piping;
  }

  close(): void {
    for (const slot of this.slots) slot.router.close();
    this.piped.clear();
  }

  private async addRouter(worker: Worker): Promise<RouterSlot> {
    const router = await worker.createRouter({ mediaCodecs: ROUTER_CODECS });
    router.once('workerclose', () => this.onWorkerLost());
    const slot: RouterSlot = { router, worker, consumers: 0 };
    this.slots.push(slot);
    return slot;
  }
}
