import type { BusEvents, BusHandler, BusTopic } from '../../shared/bus.js';
import type { Logger } from '../../shared/logger.js';

/** Local fan-out shared by both bus implementations; a throwing handler never stops the others. */
export class HandlerRegistry {
  private readonly handlers = new Map<BusTopic, Set<BusHandler<BusTopic>>>();

  constructor(private readonly logger: Logger) {}

  add<T extends BusTopic>(topic: T, handler: BusHandler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler as BusHandler<BusTopic>);
    return () => set.delete(handler as BusHandler<BusTopic>);
  }

  has(topic: BusTopic): boolean {
    return (this.handlers.get(topic)?.size ?? 0) > 0;
  }

  deliver<T extends BusTopic>(topic: T, event: BusEvents[T]): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        handler(event);
      } catch (err) {
        this.logger.error({ err, topic }, 'bus handler failed');
      }
    }
  }
}
