// One notes WebSocket: the y-websocket protocol over a LiveDocument, with the connection's
// access (readers' document updates are dropped and they are told so; awareness still
// flows), a message rate limit, a document growth limit, and a heartbeat.
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
import type { Logger } from '../../shared/logger.js';
import { MESSAGE_AUTH, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, isEmptyUpdate, type LiveDocument, type NotesPeer } from './documents.js';

export type NotesAccess = 'write' | 'read';

export interface NotesLimits {
  /** Sustained messages per second per connection (bursts of twice that); 0 = no limit (imports, benchmarks). */
  messagesPerSecond: number;
  /** How much a document may grow, in update bytes, while loaded. */
  maxDocumentGrowthBytes: number;
}

// WebSocket close codes (RFC 6455) with the reasons clients see.
export const CLOSE = {
  policy: 1008,
  tooBig: 1009,
  malformed: 1007,
  unsupported: 1003,
  goingAway: 1001,
} as const;

const HEARTBEAT_MS = 30_000;
const growth = new WeakMap<LiveDocument, number>();

export class NotesConnection implements NotesPeer {
  readonly awarenessIds = new Set<number>();
  private tokens: number;
  private lastRefill = Date.now();
  private alive = true;
  private deniedNotice = 0;
  private batch: Uint8Array[] = [];
  private batchQueued = false;
  private readonly heartbeat: NodeJS.Timeout;

  get docName(): string {
    return this.live.name;
  }

  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly live: LiveDocument,
    readonly userId: number,
    readonly sessionId: string,
    public access: NotesAccess,
    private readonly limits: NotesLimits,
    private readonly logger: Logger,
  ) {
    this.tokens = limits.messagesPerSecond * 2;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Any traffic proves the peer alive: a pong queued behind a long burst of updates
      // must not get a busy client cut off.
      this.alive = true;
      this.receive(data, isBinary);
    });
    ws.on('close', () => this.cleanup());
    ws.on('error', () => this.cleanup());
    ws.on('pong', () => (this.alive = true));
    this.heartbeat = setInterval(() => {
      if (!this.alive) return ws.terminate();
      this.alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    live.join(this);
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(message);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
    this.cleanup();
  }

  private cleanup(): void {
    clearInterval(this.heartbeat);
    this.applyBatch(); // what was accepted before the close is kept
    this.live.leave(this);
  }

  private allow(): boolean {
    if (this.limits.messagesPerSecond === 0) return true;
    const now = Date.now();
    const cap = this.limits.messagesPerSecond * 2;
    this.tokens = Math.min(cap, this.tokens + ((now - this.lastRefill) / 1000) * this.limits.messagesPerSecond);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private receive(data: Buffer, isBinary: boolean): void {
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
          awarenessProtocol.applyAwarenessUpdate(this.live.awareness, decoding.readVarUint8Array(decoder), this);
          return;
        case MESSAGE_QUERY_AWARENESS: {
          this.applyBatch();
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
    if (this.access !== 'write') {
      // Told once in a while, not for every keystroke; and not for the state every client
      // sends back when it connects, unless that holds something the document lacks.
      if (Date.now() - this.deniedNotice > 5000 && !Y.snapshotContainsUpdate(Y.snapshot(this.live.doc), update)) {
        this.deniedNotice = Date.now();
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_AUTH);
        authProtocol.writePermissionDenied(encoder, 'read-only: your changes are not saved');
        this.send(encoding.toUint8Array(encoder));
      }
      return;
    }
    const grown = (growth.get(this.live) ?? 0) + update.length;
    if (grown > this.limits.maxDocumentGrowthBytes) return this.close(CLOSE.tooBig, 'document size limit reached');
    growth.set(this.live, grown);
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
