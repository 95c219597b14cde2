// One notes WebSocket: the y-websocket protocol over a LiveDocument, with the connection's
// access (readers' document updates are dropped and they are told so; awareness still
// flows, through awareness-guard.ts; a change of access on an open connection is told too), a message rate limit, a document size limit, a limit on
// what may wait unsent for a client that stopped reading, and a heartbeat answered by pongs.
//
// Updates that arrive together (one read from the socket) are merged and applied as one
// Yjs transaction: one broadcast and one log append instead of one per keystroke.
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { WebSocket } from 'ws';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { guardAwareness, type NotesIdentity } from './awareness-guard.js';
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, isEmptyUpdate, type LiveDocument, type NotesPeer } from './documents.js';

export type NotesAccess = 'write' | 'read';

export interface NotesLimits {
  /** Sustained messages per second per connection (bursts of twice that); 0 = no limit (imports, benchmarks). */
  messagesPerSecond: number;
  /** How large a document may get, in stored bytes (snapshot + update log). */
  maxDocumentGrowthBytes: number;
  maxAwarenessBytes: number;
  maxAwarenessClients: number;
  /** Awareness queries are answered at most once per this many ms per connection; 0 = always. */
  awarenessQueryIntervalMs: number;
  maxSendQueueBytes: number;
  heartbeatMs: number;
  maxReferencedUsers: number;
}

/**
 * Beside y-protocols' permission-denied (0), an auth message of this type tells a client its
 * access was raised (with the scope, `write`); clients that do not know it ignore it.
 */
export const AUTH_PERMISSION_GRANTED = 1;
export const READ_ONLY_NOTICE = 'read-only: your changes are not saved';

// WebSocket close codes (RFC 6455) with the reasons clients see.
export const CLOSE = {
  policy: 1008,
  tooBig: 1009,
  malformed: 1007,
  unsupported: 1003,
  goingAway: 1001,
} as const;

/** A closed client that does not read its close frame is dropped after this long. */
const CLOSE_GRACE_MS = 5_000;

export class NotesConnection implements NotesPeer {
  readonly awarenessIds = new Set<number>();
  private tokens: number;
  private lastRefill: number;
  private alive = true;
  private deniedNotice = -Infinity;
  private lastAwarenessQuery = -Infinity;
  private batch: Uint8Array[] = [];
  private batchQueued = false;
  private closed = false;

  get userId(): number {
    return this.identity.userId;
  }

  get docName(): string {
    return this.live.name;
  }

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly live: LiveDocument,
    private readonly identity: NotesIdentity,
    readonly sessionId: string,
    private currentAccess: NotesAccess,
    private readonly limits: NotesLimits,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = limits.messagesPerSecond * 2;
    this.lastRefill = clock.now();
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('close', () => this.cleanup());
    ws.on('error', () => this.cleanup());
    // Only a pong proves the peer reads what it is sent: a client that keeps writing but
    // stopped reading would otherwise stay (and keep its unsent data) for ever.
    ws.on('pong', () => (this.alive = true));
    live.join(this);
  }

  get access(): NotesAccess {
    return this.currentAccess;
  }

  /** A role changed while the document is open: applies to the next message, and the client is told. */
  changeAccess(access: NotesAccess): void {
    if (access === this.currentAccess) return;
    this.currentAccess = access;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AUTH);
    if (access === 'write') {
      encoding.writeVarUint(encoder, AUTH_PERMISSION_GRANTED);
      encoding.writeVarString(encoder, 'write');
    } else {
      authProtocol.writePermissionDenied(encoder, READ_ONLY_NOTICE);
      this.deniedNotice = this.clock.now();
    }
    this.send(encoding.toUint8Array(encoder));
  }

  /** One heartbeat (the server calls it every NOTES_HEARTBEAT_SECONDS): no pong since the last one drops the connection. */
  checkAlive(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.logger.info({ doc: this.live.name, userId: this.userId }, 'notes client missed its heartbeat');
      this.ws.terminate();
      this.cleanup();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    // Checked before queueing, so one large message (a big document's first sync) still goes
    // to a client that keeps up; what waits for one that does not is bounded.
    if (this.ws.bufferedAmount > this.limits.maxSendQueueBytes) {
      this.logger.warn({ doc: this.live.name, userId: this.userId, buffered: this.ws.bufferedAmount }, 'notes client too slow: send queue limit exceeded');
      return this.close(CLOSE.policy, 'send queue limit exceeded');
    }
    this.ws.send(message);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    // The close frame waits behind unsent data: a client that does not read it is dropped.
    this.clock.timeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.applyBatch(); // what was accepted before the close is kept
    this.live.leave(this);
  }

  private allow(): boolean {
    if (this.limits.messagesPerSecond === 0) return true;
    const now = this.clock.now();
    const cap = this.limits.messagesPerSecond * 2;
    this.tokens = Math.min(cap, this.tokens + ((now - this.lastRefill) / 1000) * this.limits.messagesPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) return this.close(CLOSE.unsupported, 'binary y-websocket messages only');
    if (!this.allow()) return this.close(CLOSE.policy, 'rate limit exceeded');
    try {
      const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case MESSAGE_SYNC:
          return this.sync(decoder);
        case MESSAGE_AWARENESS:
          this.applyBatch();
          return this.awareness(decoding.readVarUint8Array(decoder));
        case MESSAGE_QUERY_AWARENESS: {
          this.applyBatch();
          // Each answer encodes everyone's presence: answered once per interval, the rest dropped.
          const now = this.clock.now();
          if (now - this.lastAwarenessQuery < this.limits.awarenessQueryIntervalMs) return;
          this.lastAwarenessQuery = now;
          const encoder = encoding.createEncoder();
          encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
          encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.live.awareness, [...this.live.awareness.getStates().keys()]));
          this.send(encoding.toUint8Array(encoder));
          return;
        }
        default:
          return this.close(CLOSE.unsupported, `unknown message type ${type}`);
      }
    } catch (err) {
      this.logger.warn({ doc: this.live.name, userId: this.userId, err: (err as Error).message }, 'malformed notes message');
      this.close(CLOSE.malformed, 'malformed message');
    }
  }

  private awareness(update: Uint8Array): void {
    const guarded = guardAwareness(update, this, this.identity, (peer, id, max) => this.live.claimAwareness(peer, id, max), this.limits);
    if (!guarded.ok) {
      if (guarded.reason === 'too-large') return this.close(CLOSE.tooBig, 'awareness state too large');
      if (guarded.reason === 'too-many-clients') return this.close(CLOSE.policy, 'too many awareness client ids');
      return this.close(CLOSE.malformed, 'malformed awareness state');
    }
    if (guarded.update) awarenessProtocol.applyAwarenessUpdate(this.live.awareness, guarded.update, this);
  }

  private sync(decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      this.applyBatch(); // the answer must include what this client sent before
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      this.live.writeSyncStep2(encoder, decoding.readVarUint8Array(decoder));
      this.send(encoding.toUint8Array(encoder));
      return;
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      return this.close(CLOSE.unsupported, `unknown sync message ${syncType}`);
    }
    const update = decoding.readVarUint8Array(decoder);
    if (isEmptyUpdate(update)) return;
    if (this.currentAccess !== 'write') {
      // Told once in a while, not for every keystroke; and not for the state every client
      // sends back when it connects, unless that holds something the document lacks.
      if (this.clock.now() - this.deniedNotice > 5000 && !Y.snapshotContainsUpdate(Y.snapshot(this.live.doc), update)) {
        this.deniedNotice = this.clock.now();
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_AUTH);
        authProtocol.writePermissionDenied(encoder, READ_ONLY_NOTICE);
        this.send(encoding.toUint8Array(encoder));
      }
      return;
    }
    // Exports look up every person a document names: a bounded number of them.
    if (!this.live.admitUsers(update, this.limits.maxReferencedUsers)) return this.close(CLOSE.policy, 'document names too many people');
    if (!this.live.grow(update.length, this.limits.maxDocumentGrowthBytes)) return this.close(CLOSE.tooBig, 'document size limit reached');
    this.batch.push(update);
    if (!this.batchQueued) {
      this.batchQueued = true;
      // Runs once the current socket read is handled: no timer, so no added latency.
      queueMicrotask(() => this.applyBatch());
    }
  }

  private applyBatch(): void {
    this.batchQueued = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    try {
      this.live.apply(batch.length === 1 ? (batch[0] as Uint8Array) : Y.mergeUpdates(batch), this, batch.length);
    } catch (err) {
      this.logger.warn({ doc: this.live.name, userId: this.userId, err: (err as Error).message }, 'malformed notes update');
      this.close(CLOSE.malformed, 'malformed message');
    }
  }
}
