import type { Bus, BusEvents, BusHandler, BusTopic } from '../../shared/bus.js';
import type { Logger } from '../../shared/logger.js';
import { HandlerRegistry } from './handlers.js';

/** One node: events go straight to this process's subscribers. */
export function createMemoryBus(logger: Logger): Bus {
  const registry = new HandlerRegistry(logger);
  return {
    async publish<T extends BusTopic>(topic: T, event: BusEvents[T]) {
      registry.deliver(topic, event);
    },
    subscribe<T extends BusTopic>(topic: T, handler: BusHandler<T>) {
      return registry.add(topic, handler);
    },
    async ready() {},
    async close() {},
  };
}
