// The Socket.IO service, on the HTTP server's port under /socket.io/.
//
// One node: in-memory adapter and presence. With Redis: the Redis streams adapter (rooms,
// broadcasts and connection state recovery across nodes) and presence in Redis hashes. The
// bus (shared/bus.ts) brings revocations and club events to every node; each node acts on
// its own sockets (relay.ts).
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { Bus } from '../shared/bus.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ClientSession } from './client.js';
import { ClientIndex } from './client-index.js';
import { ClubRooms, ROLE_CACHE_MS } from './club-rooms.js';
import { EventDispatcher } from './dispatch.js';
import { authFeature } from './features/auth.js';
import { chatFeature } from './features/chat.js';
import { membershipFeature } from './features/membership.js';
import { presenceFeature } from './features/presence.js';
import { handshake } from './handshake.js';
import type { SignalingFeature, SignalingHub } from './hub.js';
import type { AccessTokens, ChatLog, ClubDirectory, MembershipDesk, SessionLiveness } from './ports.js';
import { RedisPresenceStore } from './presence/redis-store.js';
import { Presence } from './presence/service.js';
import { MemoryPresenceStore } from './presence/store.js';
import { guardRecovery } from './recovery.js';
import { relayBusEvents } from './relay.js';
import type { SignalingIo, SignalingLimits, SignalingSocket } from './types.js';

export const SOCKET_IO_PATH = '/socket.io/';

export interface SignalingDeps {
  httpServer: HttpServer;
  tokens: AccessTokens;
  sessions: SessionLiveness;
  clubs: ClubDirectory;
  membership: MembershipDesk;
  chat: ChatLog;
  bus: Bus;
  /** With Redis: the adapter and presence span every node sharing it. */
  redis: Redis | null;
  redisPrefix: string;
  allowedOrigins: string[];
  limits: SignalingLimits;
  logger: Logger;
  /** Refills the sockets' rate buckets (presence keeps real time: its TTL is Redis's). */
  clock?: Clock;
}

export class SignalingServer {
  readonly io: SignalingIo;
  private readonly clients = new ClientIndex();
  private readonly dispatcher: EventDispatcher;
  private readonly presence: Presence;
  private readonly clubRooms: ClubRooms;
  private readonly hub: SignalingHub;
  private readonly connectHooks: Array<(client: ClientSession) => Promise<void> | void> = [];
  private readonly disconnectHooks: Array<(client: ClientSession) => void> = [];
  private readonly stopRelay: () => void;
  private guestTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private closed: Promise<void> | null = null;

  constructor(private readonly deps: SignalingDeps) {
    const { redis, redisPrefix, limits, logger } = deps;
    this.io = new Server(deps.httpServer, {
      path: SOCKET_IO_PATH,
      serveClient: false,
      maxHttpBufferSize: limits.maxMessageBytes,
      cors: { origin: deps.allowedOrigins },
      // compose.ts routes upgrades: Socket.IO must leave the other paths (/collab/…) alone.
      destroyUpgrade: false,
      // While shutting down, new transports are refused with an HTTP error, which clients retry.
      allowRequest: (_req, answer) => answer(this.closing ? 'shutting down' : null, !this.closing),
      // Middlewares run again on a resumed connection: the token is checked every time.
      ...(limits.recoveryMs > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: limits.recoveryMs, skipMiddlewares: false } } : {}),
      ...(redis
        ? {
            adapter: createAdapter(redis, {
              streamName: `${redisPrefix}socket.io`,
              channelPrefix: `${redisPrefix}socket.io`,
              sessionKeyPrefix: `${redisPrefix}socket.io:session:`,
              // Every payload is JSON from our own schemas: no binary scan needed.
              onlyPlaintext: true,
              // How long a closing node's stream reader may linger.
              blockTimeInMs: 2000,
            }),
          }
        : {}),
    });
    const store = redis ? new RedisPresenceStore(redis, `${redisPrefix}presence:`, limits.presenceTtlMs) : new MemoryPresenceStore();
    this.presence = new Presence(store, this.io, logger, Math.max(500, Math.floor(limits.presenceTtlMs / 3)));
    this.clubRooms = new ClubRooms(deps.clubs, this.presence);
    this.dispatcher = new EventDispatcher(logger);
    this.hub = {
      io: this.io,
      clubRooms: this.clubRooms,
      presence: this.presence,
      logger,
      on: (event, handler, options) => this.dispatcher.on(event, handler, options),
      onConnect: (hook) => void this.connectHooks.push(hook),
      onDisconnect: (hook) => void this.disconnectHooks.push(hook),
      expire: (client) => this.expire(client),
    };

    if (limits.recoveryMs > 0) guardRecovery(this.io.of('/').adapter, deps.sessions, this.clubRooms);
    this.io.use(
      handshake({
        tokens: deps.tokens,
        sessions: deps.sessions,
        clients: this.clients,
        clubRooms: this.clubRooms,
        allowedOrigins: deps.allowedOrigins,
        limits,
        logger,
        clock: deps.clock,
        isClosing: () => this.closing,
      }),
    );
    this.io.on('connection', (socket) => this.connected(socket));
    this.stopRelay = relayBusEvents({ bus: deps.bus, io: this.io, clients: this.clients, clubRooms: this.clubRooms, logger });

    this.use(authFeature(deps.tokens, deps.sessions));
    this.use(membershipFeature(deps.membership));
    this.use(presenceFeature());
    this.use(chatFeature(deps.chat));
  }

  /** Plugs a feature in (its handlers and hooks); see hub.ts. */
  use(feature: SignalingFeature): void {
    feature(this.hub);
  }

  /** Resolves once presence and the bus subscriptions are live. */
  async start(): Promise<void> {
    await this.presence.start();
    await this.deps.bus.ready();
    this.guestTimer = setInterval(() => {
      this.clubRooms.recheckGuests(this.clients.all()).catch((err: unknown) => this.deps.logger.warn({ err }, 'guest pass check failed'));
    }, ROLE_CACHE_MS);
    this.guestTimer.unref();
  }

  /** Whether an HTTP upgrade is Socket.IO's (its own listener takes it). */
  ownsUpgrade(req: IncomingMessage): boolean {
    return (req.url ?? '').startsWith(SOCKET_IO_PATH);
  }

  get connectionCount(): number {
    return this.io.of('/').sockets.size;
  }

  /**
   * Stops taking connections and drops the open ones as a transport failure would, so clients
   * reconnect (to another node, behind a load balancer) and resume with what they missed.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      clearInterval(this.guestTimer);
      this.stopRelay();
      await this.presence.close();
      for (const client of this.clients.all()) client.end();
      this.io.engine.close();
      await this.io.of('/').adapter.close();
    })();
    return this.closed;
  }

  private connected(socket: SignalingSocket): void {
    const client = this.clients.of(socket);
    if (!client) {
      socket.disconnect(true);
      return;
    }
    this.clubRooms.syncRooms(client);
    socket.onAny((event: unknown, ...args: unknown[]) => void this.dispatcher.dispatch(client, event, args));
    socket.on('disconnect', () => this.disconnected(client));
    client.armExpiry(() => this.expire(client));
    for (const hook of this.connectHooks) {
      Promise.resolve()
        .then(() => hook(client))
        .catch((err: unknown) => this.deps.logger.warn({ err, userId: client.userId }, 'signaling connect hook failed'));
    }
  }

  private disconnected(client: ClientSession): void {
    this.clients.remove(client);
    client.end();
    for (const hook of this.disconnectHooks) {
      try {
        hook(client);
      } catch (err) {
        this.deps.logger.warn({ err, userId: client.userId }, 'signaling disconnect hook failed');
      }
    }
    // At shutdown the whole node leaves presence at once (Presence.close).
    if (!this.closing) void this.presence.leave(client, [...client.present]);
  }

  private expire(client: ClientSession): void {
    if (!client.connected) return;
    client.direct.emit('auth:expired', { message: 'Your access token expired; refresh it and connect again' });
    client.socket.disconnect(true);
  }
}
