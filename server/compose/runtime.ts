// Starting and stopping a node: the HTTP server with Socket.IO and the notes WebSocket on its
// port, the directory of which node holds which meeting, the background loops; and the ordered
// shutdown that lets people move to another node before this one goes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { meetingsFeature, meetingsUnavailable } from '../../signaling/features/meetings/index.js';
import { SignalingServer } from '../../signaling/server.js';
import { clientIpReader } from '../http/client-ip.js';
import { DatabaseMeetingCatalog } from '../meetings/catalog.js';
import { LocalMeetingLocator, RedisMeetingLocator } from '../meetings/locator.js';
import type { Cleanup } from './cleanup.js';
import type { Services } from './services.js';

export interface Runtime {
  server: http.Server;
  signaling: SignalingServer;
  url: string;
  /** Shuts the node down in order (once; later calls share the first). */
  close(): Promise<void>;
}

function signalingFor(s: Services, server: http.Server): SignalingServer {
  // Socket.IO handshakes bypass Express: their client address is read with the same proxy rules.
  const socketClientIp = clientIpReader(s.config.http.trustProxy);
  return new SignalingServer({
    httpServer: server,
    tokens: s.tokens,
    sessions: s.sessions,
    clubs: s.clubAccess,
    membership: {
      knock: async (clubId, userId, input, request) => {
        const access = await s.clubAccess.resolve(clubId, userId);
        if (!access) throw new AppError('not_found', 'Club not found');
        return s.membership.knock(access, userId, input, socketClientIp(request));
      },
      decide: (clubId, knockId, deciderId, decision) => s.membership.decide(clubId, knockId, deciderId, decision),
      pendingKnocks: (clubId, query) => s.membership.pendingKnocks(clubId, query),
    },
    chat: s.chat,
    bus: s.bus,
    redis: s.redis,
    redisPrefix: s.config.redis.prefix,
    allowedOrigins: s.config.http.allowedOrigins,
    limits: s.config.signaling,
    logger: s.logger.child({ module: 'signaling' }),
    clock: s.clock,
  });
}

type Locator = LocalMeetingLocator | RedisMeetingLocator;

function locatorFor(s: Services, listeningUrl: () => string): Locator {
  const { redis, meetings, config } = s;
  if (!redis) return new LocalMeetingLocator();
  return new RedisMeetingLocator({
    redis,
    prefix: `${config.redis.prefix}meeting:`,
    url: () => config.sfu.nodeUrl ?? listeningUrl(),
    hosts: (meetingId) => meetings?.hosts(meetingId) ?? false,
    lost: (meetingId) => void meetings?.endMeeting(meetingId, { record: false, reason: 'moved' }),
    claimTtlMs: config.sfu.claimTtlMs,
    logger: s.logger.child({ module: 'meetings' }),
  });
}

async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

export async function startRuntime(s: Services, app: express.Express, cleanup: Cleanup): Promise<Runtime> {
  const { config, logger, meetings } = s;
  await s.bus.ready();
  s.mail.start();
  // Models load and warm in the background; /readyz says 503 until they are done.
  void s.models.start();
  s.jobs.start();
  s.maintenance.start();
  cleanup.push(() => s.maintenance.stop());

  const server = http.createServer(app);
  const signaling = signalingFor(s, server);
  cleanup.push(() => signaling.close());
  let listeningUrl = '';
  const locator = locatorFor(s, () => listeningUrl);
  cleanup.push(() => locator.close());
  if (meetings) {
    const feature = meetingsFeature({ media: meetings, catalog: new DatabaseMeetingCatalog(s.database.db), locator, directory: s.clubAccess, bus: s.bus });
    signaling.use(feature);
    cleanup.push(() => feature.stop());
  } else {
    signaling.use(meetingsUnavailable());
  }
  await signaling.start();
  server.on('upgrade', (req, socket, head) => {
    if (signaling.ownsUpgrade(req)) return; // Socket.IO's own upgrade listener takes it
    if (!s.notes.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  listeningUrl = await listen(server, config.http.port, config.http.host);
  logger.info({ url: listeningUrl, database: s.database.dialect, bus: s.redis ? 'redis' : 'memory', sfuWorkers: s.sfu?.size ?? 0 }, 'roundtable listening');

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= shutdown(s, { server, signaling, locator }, cleanup);
    return closing;
  };
  return { server, signaling, url: listeningUrl, close };
}

/** Every step runs even if one before it failed (Redis gone, say). */
async function shutdown(s: Services, parts: { server: http.Server; signaling: SignalingServer; locator: Locator }, cleanup: Cleanup): Promise<void> {
  const { config, logger, meetings } = s;
  s.readiness.drain();
  // Give load balancers time to see /readyz fail before connections are refused.
  if (config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
  const step = async (name: string, run: () => Promise<void> | void) => {
    try {
      await run();
    } catch (err) {
      logger.warn({ err: (err as Error).message, step: name }, 'error while shutting down');
    }
  };
  // Meetings first, so that their people hear why and may rejoin on another node: the
  // claims go before anyone is told, or a quick rejoin elsewhere would be sent back here.
  meetings?.stopAccepting();
  await step('meeting claims', () => parts.locator.close());
  await step('meetings', () => meetings?.close());
  // What was said until then is recognised and recorded (for a while) before the documents close.
  await step('transcription', () => s.transcription?.close(config.shutdownTimeoutMs));
  // A job in hand hands itself back at its next step, before the documents it writes close.
  await step('jobs', () => s.jobs.close());
  // Sockets next: their clients reconnect elsewhere while HTTP requests finish here.
  await step('signaling', () => parts.signaling.close());
  // Open notes WebSockets would keep the HTTP server from closing: they go first too.
  await step('notes', () => s.notes.close());
  await step('http', () => drainHttp(parts.server, config.shutdownTimeoutMs, logger));
  await cleanup.closeAll();
  logger.info('shutdown complete');
}

/** Stops accepting, lets in-flight requests finish (up to the timeout), then cuts the rest. */
async function drainHttp(server: http.Server, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections become idle as their last request finishes: close them then.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => res.setHeader('Connection', 'close'));
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    logger.warn({ timeoutMs }, 'shutdown timeout: closing remaining connections');
    server.closeAllConnections();
    await closed;
  }
  clearInterval(sweeper);
  clearTimeout(timer);
}
