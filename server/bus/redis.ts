import type { Redis } from 'ioredis';
import type { Bus, BusEvents, BusHandler, BusTopic } from '../../shared/bus.js';
import type { Logger } from '../../shared/logger.js';
import { HandlerRegistry } from './handlers.js';

/**
 * Many nodes: every event goes through Redis pub/sub, including to this node (so every
 * node sees the same order). Subscribing needs a connection of its own, hence duplicate().
 */
export async function createRedisBus(redis: Redis, prefix: string, logger: Logger): Promise<Bus> {
  const registry = new HandlerRegistry(logger);
  const subscriber = redis.duplicate();
  const channels = new Map<string, Promise<unknown>>();
  subscriber.on('error', (err) => logger.warn({ err: err.message }, 'redis bus subscriber error'));
  subscriber.on('message', (channel: string, message: string) => {
    const topic = channel.slice(prefix.length) as BusTopic;
    let event: BusEvents[BusTopic];
    try {
      event = JSON.parse(message) as BusEvents[BusTopic];
    } catch {
      logger.warn({ channel }, 'dropped a malformed bus message');
      return;
    }
    registry.deliver(topic, event);
  });
  return {
    async publish<T extends BusTopic>(topic: T, event: BusEvents[T]) {
      await redis.publish(prefix + topic, JSON.stringify(event));
    },
    subscribe<T extends BusTopic>(topic: T, handler: BusHandler<T>) {
      const channel = prefix + topic;
      if (!channels.has(channel)) {
        const subscribed = subscriber.subscribe(channel).catch((err: Error) => {
          channels.delete(channel);
          logger.error({ err: err.message, channel }, 'redis subscribe failed');
        });
        channels.set(channel, subscribed);
      }
      return registry.add(topic, handler);
    },
    async ready() {
      await Promise.all(channels.values());
    },
    async close() {
      subscriber.disconnect();
    },
  };
}
