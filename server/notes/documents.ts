// Live documents: one Y.Doc and Awareness per document name, shared by every connection to
// it on this node. Updates from writers are applied, persisted (group commit) and broadcast;
// an idle document is flushed and unloaded.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Logger } from '../../shared/logger.js';
import type { NotesStore } from './store.js';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** What the documents need of a connection. */
export interface NotesPeer {
  readonly id: string;
  send(message: Uint8Array): void;
  /** Awareness client ids this connection controls (removed when it leaves). */
  readonly awarenessIds: Set<number>;
}

export class LiveDocument {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<NotesPeer>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    stored: Y.Doc,
    private readonly store: NotesStore,
    private readonly logger: Logger,
    private readonly onIdle: (doc: LiveDocument) => void,
    private readonly idleMs: number,
  ) {
    this.doc = stored;
    this.doc.gc = true;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null); // the server has no cursor
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      if (origin && typeof origin === 'object' && 'awarenessIds' in origin) {
        const peer = origin as NotesPeer;
        for (const id of added) peer.awarenessIds.add(id);
        for (const id of removed) peer.awarenessIds.delete(id);
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      this.broadcast(encoding.toUint8Array(encoder), null);
    });
  }

  /** Greets a new connection: our state vector (sync step 1) and the current awareness. */
  join(peer: NotesPeer): void {
    clearTimeout(this.idleTimer);
    this.peers.add(peer);
    const sync = encoding.createEncoder();
    encoding.writeVarUint(sync, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(sync, this.doc);
    peer.send(encoding.toUint8Array(sync));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      const aw = encoding.createEncoder();
      encoding.writeVarUint(aw, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(aw, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]));
      peer.send(encoding.toUint8Array(aw));
    }
  }

  leave(peer: NotesPeer): void {
    if (!this.peers.delete(peer)) return;
    if (peer.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null);
    if (this.peers.size === 0) {
      this.idleTimer = setTimeout(() => this.onIdle(this), this.idleMs);
      this.idleTimer.unref();
    }
  }

  broadcast(message: Uint8Array, except: NotesPeer | null): void {
    for (const peer of this.peers) if (peer !== except) peer.send(message);
  }

  destroy(): void {
    clearTimeout(this.idleTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.broadcast(encoding.toUint8Array(encoder), origin && typeof origin === 'object' && 'send' in origin ? (origin as NotesPeer) : null);
    // Everything that changes the document is persisted, whoever made it.
    this.store.append(this.name, update).catch((err: Error) => this.logger.error({ doc: this.name, err: err.message }, 'notes update not persisted'));
  }
}

export class DocumentRegistry {
  private readonly live = new Map<string, Promise<LiveDocument>>();

  constructor(
    private readonly store: NotesStore,
    private readonly logger: Logger,
    private readonly idleMs = 30_000,
  ) {}

  open(name: string): Promise<LiveDocument> {
    let doc = this.live.get(name);
    if (!doc) {
      doc = this.store.load(name).then(({ doc: stored }) => new LiveDocument(name, stored, this.store, this.logger, (d) => void this.unload(d), this.idleMs));
      doc.catch(() => this.live.delete(name));
      this.live.set(name, doc);
    }
    return doc;
  }

  get size(): number {
    return this.live.size;
  }

  async closeAll(): Promise<void> {
    const docs = await Promise.allSettled(this.live.values());
    this.live.clear();
    await this.store.flush();
    for (const d of docs) if (d.status === 'fulfilled') d.value.destroy();
  }

  // Flush before letting go, so a reconnect that reloads from the database sees every update.
  private async unload(doc: LiveDocument): Promise<void> {
    if (doc.peers.size > 0) return;
    await this.store.flush();
    if (doc.peers.size > 0) return; // someone came back while we flushed
    this.live.delete(doc.name);
    doc.destroy();
    this.logger.debug({ doc: doc.name }, 'notes document unloaded');
  }
}
