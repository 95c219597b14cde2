// Every event a client sends goes through dispatch(): rate limits first (cheapest), then the
// handler lookup (unknown events are answered, not ignored), then the zod schema, then the
// handler. Whatever happens, the client gets one answer and nothing escapes to crash the
// process.
import { AppError, rateLimited } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { clientEventSchemas, type Ack, type ClientEvent, type ClientPayload, type ClientReplies, type SignalingError } from '../shared/protocol/signaling.js';
import type { ClientSession } from './client.js';
import { invalidPayload, toSignalingError } from './errors.js';

export type EventHandler<E extends ClientEvent> = (payload: ClientPayload<E>, client: ClientSession) => Promise<ClientReplies[E]> | ClientReplies[E];

export interface HandlerOptions {
  /**
   * chat, typing: a rate limit of its own, on top of the per-socket event limit. media: a
   * roomier limit instead of it, with more requests in flight (media negotiation is bursty).
   */
  bucket?: 'chat' | 'typing' | 'media';
}

interface Entry {
  run(payload: unknown, client: ClientSession): Promise<object>;
  bucket?: 'chat' | 'typing' | 'media';
}

// Requests a socket may have waiting for an answer at once; more is a flood.
const MAX_IN_FLIGHT = 16;
const MAX_MEDIA_IN_FLIGHT = 400;
const EVENT_NAME_SHOWN = 64;

export class EventDispatcher {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly logger: Logger) {}

  on<E extends ClientEvent>(event: E, handler: EventHandler<E>, options: HandlerOptions = {}): void {
    if (this.entries.has(event)) throw new Error(`"${event}" already has a handler`);
    const schema = clientEventSchemas[event];
    this.entries.set(event, {
      bucket: options.bucket,
      run: async (payload, client) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) throw invalidPayload(parsed.error, payload);
        return handler(parsed.data as ClientPayload<E>, client);
      },
    });
  }

  has(event: string): boolean {
    return this.entries.has(event);
  }

  /** Called for every incoming event (Socket.IO's onAny); never throws, never rejects. */
  async dispatch(client: ClientSession, rawEvent: unknown, args: unknown[]): Promise<void> {
    const event = String(rawEvent).slice(0, EVENT_NAME_SHOWN);
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (reply: Ack<object>) => void) : undefined;
    if (ack) args.pop();
    const counted: { kind: 'events' | 'media' | null } = { kind: null };
    try {
      const reply = await this.run(client, String(rawEvent), args, (kind) => {
        client.inFlight[kind] += 1;
        counted.kind = kind;
      });
      if (ack) ack({ ok: true, ...reply });
    } catch (err) {
      this.fail(client, event, ack, toSignalingError(err, this.logger, { event, userId: client.userId }));
    } finally {
      if (counted.kind) client.inFlight[counted.kind] -= 1;
    }
  }

  private async run(client: ClientSession, event: string, args: unknown[], started: (kind: 'events' | 'media') => void): Promise<object> {
    const entry = this.entries.get(event);
    const media = entry?.bucket === 'media';
    const wait = (media ? client.buckets.media : client.buckets.events).take();
    if (wait > 0) throw rateLimited(wait);
    if (!entry) throw new AppError('bad_request', `Unknown event "${event.slice(0, EVENT_NAME_SHOWN)}"`);
    if (entry.bucket && !media) {
      const bucketWait = client.buckets[entry.bucket].take();
      if (bucketWait > 0) throw rateLimited(bucketWait);
    }
    const kind = media ? 'media' : 'events';
    const inFlightLimit = media ? MAX_MEDIA_IN_FLIGHT : MAX_IN_FLIGHT;
    if (client.inFlight[kind] >= inFlightLimit) throw new AppError('rate_limited', `At most ${inFlightLimit} requests may wait for an answer at once`);
    if (args.length !== 1) throw new AppError('validation_failed', 'Invalid request: send exactly one payload object (and an ack)');
    started(kind);
    return entry.run(args[0], client);
  }

  private fail(client: ClientSession, event: string, ack: ((reply: Ack<object>) => void) | undefined, error: SignalingError): void {
    try {
      if (ack) ack({ ok: false, error });
      else client.direct.emit('protocol:error', { event, error });
    } catch (err) {
      this.logger.warn({ err, event }, 'could not answer a client event');
    }
  }
}
