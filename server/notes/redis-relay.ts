// The notes relay over Redis pub/sub: one channel per loaded document, binary frames.
// Subscribing needs a connection of its own (duplicate()); publishing uses the shared one.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import { decodeRelayMessage, encodeRelayMessage, type NotesRelay, type RelayHandler, type RelayMessage } from './relay.js';

export class RedisNotesRelay implements NotesRelay {
  readonly nodeId = randomUUID();
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, RelayHandler>();
  private readonly resumeHandlers: Array<() => void> = [];
  private connectedOnce = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.subscriber = redis.duplicate();
    this.subscriber.on('error', (err: Error) => logger.warn({ err: err.message }, 'notes relay subscriber error'));
    this.subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => this.receive(channel.toString(), data));
    this.subscriber.on('ready', () => {
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        return;
      }
      void this.resume();
    });
  }

  async join(doc: string, handler: RelayHandler): Promise<void> {
    const channel = this.prefix + doc;
    this.handlers.set(channel, handler);
    // Resolves once Redis confirmed the subscription: from then on nothing published is missed.
    await this.subscriber.subscribe(channel);
  }

  leave(doc: string): void {
    const channel = this.prefix + doc;
    if (!this.handlers.delete(channel)) return;
    this.subscriber.unsubscribe(channel).catch((err: Error) => this.logger.warn({ err: err.message, doc }, 'notes relay unsubscribe failed'));
  }

  publish(doc: string, message: RelayMessage): void {
    const frame = encodeRelayMessage(this.nodeId, message);
    this.redis
      .publish(this.prefix + doc, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength))
      .catch((err: Error) => this.logger.warn({ err: err.message, doc, type: message.type }, 'notes relay publish failed'));
  }

  onResume(handler: () => void): void {
    this.resumeHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscriber.disconnect();
  }

  private receive(channel: string, data: Buffer): void {
    const handler = this.handlers.get(channel);
    if (!handler) return;
    let decoded: ReturnType<typeof decodeRelayMessage>;
    try {
      decoded = decodeRelayMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch {
      this.logger.warn({ channel }, 'dropped a malformed notes relay message');
      return;
    }
    if (decoded.from === this.nodeId) return;
    handler(decoded.message, decoded.from);
  }

  // Pub/sub does not replay what was published while we were away: make sure every channel
  // is subscribed again, then let the documents ask the other nodes for what they missed.
  private async resume(): Promise<void> {
    try {
      const channels = [...this.handlers.keys()];
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'notes relay resubscribe failed');
      return;
    }
    for (const handler of this.resumeHandlers) handler();
  }
}
