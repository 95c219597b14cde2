// The notes endpoint: WebSocket upgrades on /collab/:docName (the y-websocket protocol) on
// the HTTP server's port, POST /api/collab/tickets for single-use connection tickets, and
// the documents' named versions and exports (versions.ts).
//
// Who may read or write which document is decided by the `authorize` function passed in
// (the club roles: owners, moderators and note-takers write, members read, others are
// refused). Revoked sessions lose their connections at once, on every node (bus).
import { originAllowed } from '../../shared/origins.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Kysely } from 'kysely';
import { WebSocketServer } from 'ws';
import type { Database } from '../../db/types.js';
import type { TokenService } from '../../shared/auth/tokens.js';
import type { Bus } from '../../shared/bus.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { SessionService } from '../auth/sessions.js';
import { Api, type ApiDeps } from '../http/api.js';
import type { NotesIdentity } from './awareness-guard.js';
import { CLOSE, NotesConnection, type NotesAccess, type NotesLimits } from './connection.js';
import { DOC_SHAPE, parseDocName } from './doc-name.js';
import type { DocumentRegistry } from './documents.js';
import { NotesVersionStore } from './version-store.js';
import { notesVersionRoutes } from './versions.js';
import { ticketResponseSchema, ticketSchema } from '../../shared/protocol/notes.js';

export type NotesAuthorizer = (userId: number, docName: string) => Promise<NotesAccess | null>;

/** The shape of a name (for other modules' schemas); the club authorizer also refuses non-canonical ids. */
export const DOC_NAME = DOC_SHAPE;
const TICKET_TTL_MS = 30_000;

export interface NotesServerDeps {
  db: Kysely<Database>;
  documents: DocumentRegistry;
  tokens: TokenService;
  sessions: SessionService;
  bus: Bus;
  logger: Logger;
  allowedOrigins: string[];
  authorize: NotesAuthorizer;
  limits: NotesLimits & { maxMessageBytes: number; maxVersions: number };
  /** Rate limits, the heartbeat and the re-authorization sweep (tests pass their own). */
  clock?: Clock;
}

const digest = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

const REAUTHORIZE_EVERY_MS = 60_000;

export class NotesServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<NotesConnection>();
  private readonly unsubscribe: Array<() => void>;
  private closing: Promise<void> | null = null;

  private readonly clock: Clock;

  constructor(private readonly deps: NotesServerDeps) {
    this.clock = deps.clock ?? systemClock;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: deps.limits.maxMessageBytes });
    // Guest passes end without an event: every open connection is asked about once a minute.
    const sweep = this.clock.interval(() => this.reauthorize(() => true), REAUTHORIZE_EVERY_MS);
    const heartbeat = this.clock.interval(() => this.heartbeat(), deps.limits.heartbeatMs);
    this.unsubscribe = [
      () => sweep.cancel(),
      () => heartbeat.cancel(),
      deps.bus.subscribe('session.revoked', ({ userId, sessionIds }) => {
        for (const conn of this.connections) {
          if (conn.userId === userId && (!sessionIds || sessionIds.includes(conn.sessionId))) conn.close(CLOSE.policy, 'session revoked');
        }
      }),
      // A role change, removal or ban takes effect on open documents at once, on every node.
      deps.bus.subscribe('club.event', ({ event }) => {
        if (event.type === 'club.deleted') return this.reauthorize(() => true);
        if ('user_id' in event && event.type.startsWith('member.')) this.reauthorize((conn) => conn.userId === event.user_id);
      }),
    ];
  }

  /** Asks the authorizer again for the matching connections: upgrades, downgrades or closes them. */
  private reauthorize(matches: (conn: NotesConnection) => boolean): void {
    for (const conn of this.connections) {
      if (!matches(conn)) continue;
      this.deps
        .authorize(conn.userId, conn.docName)
        .then((access) => {
          if (!access) conn.close(CLOSE.policy, 'access revoked');
          else conn.changeAccess(access);
        })
        .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'notes re-authorization failed'));
    }
  }

  /** Pings every connection; one that did not answer the previous ping with a pong is dropped. */
  heartbeat(): void {
    for (const conn of this.connections) conn.checkAlive();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Call from the HTTP server's 'upgrade' event; returns false for paths that are not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/collab/')) return false;
    if (this.closing) {
      refuse(socket, 503, 'Service Unavailable');
      return true;
    }
    // Node's HTTP server lets go of the socket at the upgrade: until ws takes it over (and after a
    // refusal) nothing else listens for its errors, and a client resetting the connection while
    // its ticket is checked crashed the process with an unhandled ECONNRESET.
    const earlyError = (err: Error) => {
      this.deps.logger.debug({ err: err.message }, 'notes connection dropped during its upgrade');
      socket.destroy();
    };
    socket.on('error', earlyError);
    void this.accept(req, socket, head, url).catch((err: Error) => {
      this.deps.logger.error({ err: err.message }, 'notes upgrade failed');
      if (!socket.destroyed) refuse(socket, 500, 'Internal Server Error');
    });
    return true;
  }

  /** The REST side: WebSocket tickets, named versions and exports, under /api. */
  routes(deps: ApiDeps): Api {
    const api = new Api(deps, '/api', 'Notes');
    api.authed('post', '/collab/tickets', { access: { document: 'notes.read' }, summary: 'A one-time ticket that opens a notes document over the WebSocket (/collab/{doc}?ticket=)', body: ticketSchema, response: ticketResponseSchema }, async ({ body, userId, sessionId }) => {
      if (!(await this.deps.authorize(userId, body.doc))) throw new AppError('forbidden', 'You may not open this document');
      return this.issueTicket(userId, sessionId, body.doc);
    });
    notesVersionRoutes(api, { store: new NotesVersionStore(this.deps.db, this.deps.limits.maxVersions), documents: this.deps.documents, authorize: this.deps.authorize });
    return api;
  }

  private async issueTicket(userId: number, sessionId: string, doc: string): Promise<{ ticket: string; doc: string; expires_in: number }> {
    const ticket = randomBytes(24).toString('base64url');
    // Spent and expired tickets go as new ones come: the table holds about a TTL's worth.
    await this.deps.db
      .deleteFrom('collab_tickets')
      .where((eb) => eb.or([eb('expires_at', '<', new Date()), eb('used_at', 'is not', null)]))
      .execute();
    await this.deps.db
      .insertInto('collab_tickets')
      .values({ token_hash: digest(ticket), user_id: userId, session_id: sessionId, doc, expires_at: new Date(Date.now() + TICKET_TTL_MS) })
      .execute();
    return { ticket, doc, expires_in: TICKET_TTL_MS / 1000 };
  }

  /** Closes every notes connection and flushes the documents; call it before draining HTTP (open WebSockets keep the HTTP server from closing). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const stop of this.unsubscribe) stop();
      for (const conn of this.connections) conn.close(CLOSE.goingAway, 'server shutting down');
      this.wss.close();
      await this.deps.documents.closeAll();
    })();
    return this.closing;
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    let docName: string | null;
    try {
      docName = parseDocName(decodeURIComponent(url.pathname.slice('/collab/'.length)));
    } catch {
      docName = null; // malformed percent-encoding
    }
    if (docName === null) return refuse(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    if (!originAllowed(origin, req.headers.host, this.deps.allowedOrigins)) return refuse(socket, 403, 'Origin not allowed');
    const who = await this.identify(url, docName);
    if (!who) return refuse(socket, 401, 'Unauthorized');
    const access = await this.deps.authorize(who.userId, docName);
    if (!access) return refuse(socket, 403, 'Forbidden');
    const identity = await this.identityOf(who.userId);
    if (!identity) return refuse(socket, 401, 'Unauthorized');
    const live = await this.deps.documents.open(docName);
    if (this.closing) return refuse(socket, 503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new NotesConnection(randomUUID(), ws, live, identity, who.sessionId, access, this.deps.limits, this.deps.logger, this.clock);
      this.connections.add(conn);
      ws.on('close', () => this.connections.delete(conn));
    });
  }

  /** The name others see in this person's presence: the account's, never what a client claims. */
  private async identityOf(userId: number): Promise<NotesIdentity | null> {
    const user = await this.deps.db.selectFrom('users').select(['username', 'nickname']).where('id', '=', userId).executeTakeFirst();
    return user ? { userId, name: user.nickname || user.username } : null;
  }

  /** A single-use ticket (preferred) or an access token, from the query string. */
  private async identify(url: URL, docName: string): Promise<{ userId: number; sessionId: string } | null> {
    const ticket = url.searchParams.get('ticket');
    if (ticket) {
      const spent = await this.deps.db
        .updateTable('collab_tickets')
        .set({ used_at: new Date() })
        .where('token_hash', '=', digest(ticket))
        .where('doc', '=', docName)
        .where('used_at', 'is', null)
        .where('expires_at', '>', new Date())
        .returning(['user_id', 'session_id'])
        .executeTakeFirst();
      if (!spent) return null;
      try {
        await this.deps.sessions.assertLive({ userId: spent.user_id, sessionId: spent.session_id, issuedAt: 0, expiresAt: 0 });
      } catch {
        return null;
      }
      return { userId: spent.user_id, sessionId: spent.session_id };
    }
    const token = url.searchParams.get('token');
    if (!token) return null;
    try {
      const claims = await this.deps.tokens.verifyAccess(token);
      await this.deps.sessions.assertLive(claims);
      return { userId: claims.userId, sessionId: claims.sessionId };
    } catch {
      return null;
    }
  }
}
