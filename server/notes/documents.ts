// Live documents: one Y.Doc and Awareness per document name, shared by every connection to
// it on this node. Updates from writers are applied, persisted (group commit), broadcast and,
// with several nodes, relayed; an idle document is flushed, compacted and unloaded.
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Logger } from '../../shared/logger.js';
import { userIdsIn, userIdsOf } from './referenced-users.js';
import { RELAYED, type NotesRelay, type RelayMessage } from './relay.js';
import type { NotesStore, StoredDocument } from './store.js';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** What the documents need of a connection. */
export interface NotesPeer {
  readonly id: string;
  send(message: Uint8Array): void;
  /** Awareness client ids this connection introduced and alone may speak for (removed when it leaves). */
  readonly awarenessIds: Set<number>;
}

/** Whether a connection may speak for an awareness client id (see LiveDocument.claimAwareness). */
export type AwarenessClaim = 'ours' | 'taken' | 'too-many';

/** Reads another document's current state (a copy the caller destroys). */
export type DocumentReader = (name: string) => Promise<Y.Doc>;

/** The first state of a document that has none stored yet (a template), or null. */
export type DocumentSeeder = (name: string, read: DocumentReader) => Promise<Uint8Array | null>;

export interface DocumentRegistryOptions {
  /** Carries updates and presence to other nodes (Redis); none on a single node. */
  relay?: NotesRelay | null;
  seed?: DocumentSeeder | null;
}

/** What a client with nothing sends back when it connects (sync step 2): no change at all. */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.length === 2 && update[0] === 0 && update[1] === 0;

const isPeer = (origin: unknown): origin is NotesPeer => typeof origin === 'object' && origin !== null && 'awarenessIds' in origin;

function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Origin of the stored state applied late (see LiveDocument.doc): nothing to send or store. */
const LOADED = Symbol('loaded');

export class LiveDocument {
  private readonly ydoc: Y.Doc;
  /** The stored state while it is not applied yet, and its state vector. */
  private deferred: { state: Uint8Array; stateVector: Uint8Array } | null;
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<NotesPeer>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Client edits carried by the update being applied (a connection may merge several). */
  private applyingEdits = 1;
  /** The state as loaded, until the first change: what a new client needs, already encoded. */
  private pristine: Uint8Array | null;
  private destroyed = false;
  /** Which connection on this node introduced each awareness client id. */
  private readonly awarenessOwners = new Map<number, NotesPeer>();
  /** Stored size plus what was applied since loading: the size limit counts from here. */
  private bytes: number;
  /** User ids the content names (computed on the first write that needs it). */
  private referencedUsers: Set<number> | null = null;

  constructor(
    readonly name: string,
    stored: Pick<StoredDocument, 'doc' | 'state' | 'deferred' | 'bytes'>,
    private readonly store: NotesStore,
    private readonly relay: NotesRelay | null,
    private readonly logger: Logger,
    private readonly onIdle: (doc: LiveDocument) => void,
    private readonly idleMs: number,
  ) {
    this.ydoc = stored.doc;
    this.ydoc.gc = true;
    this.bytes = stored.bytes;
    this.pristine = stored.state;
    this.deferred = stored.deferred && stored.state ? { state: stored.state, stateVector: Y.encodeStateVectorFromUpdate(stored.state) } : null;
    this.awareness = new awarenessProtocol.Awareness(this.ydoc);
    this.awareness.setLocalState(null); // the server has no cursor
    this.ydoc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      this.broadcast(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, update)), null);
      if (origin !== RELAYED) this.relay?.publish(this.name, { type: 'awareness', update });
    });
  }

  /**
   * The document. A stored state is applied on first use: clients that only open and read
   * are served the stored bytes (sync step 2) without the server integrating them first.
   */
  get doc(): Y.Doc {
    if (this.deferred) {
      const { state } = this.deferred;
      this.deferred = null;
      Y.applyUpdate(this.ydoc, state, LOADED);
    }
    return this.ydoc;
  }

  private stateVector(): Uint8Array {
    return this.deferred ? this.deferred.stateVector : Y.encodeStateVector(this.ydoc);
  }

  /** Applies a writer's update; `edits` counts the client edits merged into it. */
  apply(update: Uint8Array, from: NotesPeer, edits: number): void {
    if (isEmptyUpdate(update)) return;
    const pendingBefore = [this.doc.store.pendingStructs?.update, this.doc.store.pendingDs];
    this.applyingEdits = edits;
    try {
      Y.applyUpdate(this.doc, update, from);
    } finally {
      this.applyingEdits = 1;
    }
    // Yjs holds back (and reports no update for) what builds on content it has not seen yet.
    // It was still sent by a writer: store and relay it as it came.
    const pendingAfter = [this.doc.store.pendingStructs?.update, this.doc.store.pendingDs];
    if (pendingAfter.some((p, i) => p && p !== pendingBefore[i])) this.keep(update, edits);
  }

  /**
   * Lets `peer` speak for awareness client `id`: an id it introduced, or a new one while it has
   * fewer than `max`. An id present here through anyone else (another connection, another
   * node, the server itself) is theirs: taking it over would forge or erase their presence.
   */
  claimAwareness(peer: NotesPeer, id: number, max: number): AwarenessClaim {
    const owner = this.awarenessOwners.get(id);
    if (owner) return owner === peer ? 'ours' : 'taken';
    if (id === this.awareness.clientID || this.awareness.getStates().has(id)) return 'taken';
    if (peer.awarenessIds.size >= max) return 'too-many';
    this.awarenessOwners.set(id, peer);
    peer.awarenessIds.add(id);
    return 'ours';
  }

  /** Counts `bytes` against the document's size limit; false (nothing counted) when it would pass `max`. */
  grow(bytes: number, max: number): boolean {
    if (this.bytes + bytes > max) return false;
    this.bytes += bytes;
    return true;
  }

  /** False when the update would make the document name more than `max` distinct users; else they are counted. */
  admitUsers(update: Uint8Array, max: number): boolean {
    const incoming = userIdsIn(update);
    if (incoming.size === 0) return true;
    this.referencedUsers ??= userIdsOf(this.doc);
    const known = this.referencedUsers;
    const added = [...incoming].filter((id) => !known.has(id));
    if (known.size + added.length > max) return false;
    for (const id of added) known.add(id);
    return true;
  }

  /** Sync step 2 for a client's state vector: everything it lacks. */
  writeSyncStep2(encoder: encoding.Encoder, stateVector: Uint8Array): void {
    // A client with nothing (a first open) gets the stored bytes as they are, unencoded again.
    if (this.pristine && stateVector.length === 1 && stateVector[0] === 0) {
      encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
      encoding.writeVarUint8Array(encoder, this.pristine);
    } else syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
  }

  /** Greets a new connection: our state vector (sync step 1) and the current awareness. */
  join(peer: NotesPeer): void {
    clearTimeout(this.idleTimer);
    this.peers.add(peer);
    peer.send(message(MESSAGE_SYNC, (e) => (encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1), encoding.writeVarUint8Array(e, this.stateVector()))));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]);
      peer.send(message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, update)));
    }
  }

  leave(peer: NotesPeer): void {
    if (!this.peers.delete(peer)) return;
    const ids = [...peer.awarenessIds];
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
    // Forgotten entirely (Awareness keeps a clock per id it ever saw): a stream of new ids
    // across reconnects must not grow the document's awareness for as long as it is loaded.
    for (const id of ids) {
      this.awarenessOwners.delete(id);
      this.awareness.meta.delete(id);
    }
    peer.awarenessIds.clear();
    if (this.peers.size === 0 && !this.destroyed) this.startIdleTimer();
  }

  /** Unloads after the idle delay unless somebody joins first. */
  startIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.onIdle(this), this.idleMs);
    this.idleTimer.unref();
  }

  broadcast(data: Uint8Array, except: NotesPeer | null): void {
    for (const peer of this.peers) if (peer !== except) peer.send(data);
  }

  /** A message from another node serving this document. */
  fromRelay(relayed: RelayMessage, from: string): void {
    switch (relayed.type) {
      case 'update':
        this.bytes += relayed.update.length; // stored by the node that took it
        return Y.applyUpdate(this.doc, relayed.update, RELAYED);
      case 'sync-reply':
        if (relayed.to === this.relay?.nodeId) Y.applyUpdate(this.doc, relayed.update, RELAYED);
        return;
      case 'awareness':
        return awarenessProtocol.applyAwarenessUpdate(this.awareness, relayed.update, RELAYED);
      case 'sync-request':
        this.relay?.publish(this.name, { type: 'sync-reply', to: from, update: Y.encodeStateAsUpdate(this.doc, relayed.stateVector) });
        return;
      case 'awareness-query': {
        const ours = [...this.peers].flatMap((p) => [...p.awarenessIds]).filter((id) => this.awareness.getStates().has(id));
        if (ours.length > 0) this.relay?.publish(this.name, { type: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, ours) });
        return;
      }
    }
  }

  /** Asks the other nodes for what this node lacks (after loading, or after the relay was cut). */
  catchUp(): void {
    this.relay?.publish(this.name, { type: 'sync-request', stateVector: this.stateVector() });
    this.relay?.publish(this.name, { type: 'awareness-query' });
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.idleTimer);
    this.awareness.destroy();
    this.ydoc.destroy();
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOADED) return; // every client got it in its sync step 2
    this.pristine = null;
    this.broadcast(message(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update)), isPeer(origin) ? origin : null);
    // Stored once, by the node whose client made it; relayed copies stay in memory.
    if (origin !== RELAYED) this.keep(update, this.applyingEdits);
  }

  private keep(update: Uint8Array, edits: number): void {
    this.pristine = null;
    this.relay?.publish(this.name, { type: 'update', update });
    this.store.append(this.name, update, edits).catch((err: Error) => this.logger.error({ doc: this.name, err: err.message }, 'notes update not persisted'));
  }
}

export class DocumentRegistry {
  private readonly live = new Map<string, Promise<LiveDocument>>();
  /** The same documents once loaded. */
  private readonly loaded = new Map<string, LiveDocument>();
  private readonly relay: NotesRelay | null;
  private readonly seed: DocumentSeeder | null;

  constructor(
    private readonly store: NotesStore,
    private readonly logger: Logger,
    private readonly idleMs = 30_000,
    options: DocumentRegistryOptions = {},
  ) {
    this.relay = options.relay ?? null;
    this.seed = options.seed ?? null;
    // Compacting from the live document is far cheaper than folding the log again.
    store.useLiveDocuments((name) => this.loaded.get(name)?.doc);
    this.relay?.onResume(() => {
      for (const doc of this.live.values()) void doc.then((d) => d.catchUp(), () => {});
    });
  }

  open(name: string): Promise<LiveDocument> {
    let doc = this.live.get(name);
    if (!doc) {
      doc = this.load(name);
      doc.catch(() => this.live.delete(name));
      this.live.set(name, doc);
    }
    return doc;
  }

  /**
   * A copy of a document's current state: from memory when it is loaded here, else from the
   * database (seeding its template if it has none). The caller destroys it.
   */
  async read(name: string): Promise<Y.Doc> {
    const loaded = this.live.get(name);
    if (loaded) {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate((await loaded).doc));
      return copy;
    }
    return (await this.loadOrSeed(name, false)).doc;
  }

  get size(): number {
    return this.live.size;
  }

  /** Resolves once every update applied here so far is in the database, where any node reads it. */
  stored(): Promise<void> {
    return this.store.flush();
  }

  async closeAll(): Promise<void> {
    const docs = await Promise.allSettled(this.live.values());
    for (const name of this.live.keys()) this.relay?.leave(name);
    this.live.clear();
    this.loaded.clear();
    await this.store.flush();
    for (const d of docs) if (d.status === 'fulfilled') d.value.destroy();
  }

  // Subscribe first, then load, then apply what arrived meanwhile: an update relayed while
  // the database was being read is either in what was read or in the buffer (applying it
  // twice is harmless). What another node had not yet committed comes from its sync reply.
  private async load(name: string): Promise<LiveDocument> {
    const early: Array<[RelayMessage, string]> = [];
    let live: LiveDocument | null = null;
    try {
      await this.relay?.join(name, (relayed, from) => (live ? live.fromRelay(relayed, from) : early.push([relayed, from])));
    } catch (err) {
      // Served from this node alone meanwhile; the relay subscribes again and catches up when Redis is back.
      this.logger.warn({ doc: name, err: (err as Error).message }, 'notes relay unavailable');
    }
    try {
      const stored = await this.loadOrSeed(name, true);
      const doc = new LiveDocument(name, stored, this.store, this.relay, this.logger, (d) => void this.unload(d), this.idleMs);
      for (const [relayed, from] of early) doc.fromRelay(relayed, from);
      live = doc;
      this.loaded.set(name, doc);
      doc.catchUp();
      doc.startIdleTimer(); // unloaded again if nobody joins (a read, a failed upgrade)
      return doc;
    } catch (err) {
      this.relay?.leave(name);
      throw err;
    }
  }

  /** `serve`: the document is being loaded to stay live on this node (its stored state may be applied later). */
  private async loadOrSeed(name: string, serve: boolean): Promise<StoredDocument> {
    const stored = await this.store.load(name, { serve, defer: serve });
    if (!stored.empty || !this.seed) return stored;
    const template = await this.seed(name, (other) => this.read(other));
    if (!template) return stored;
    if (await this.store.seed(name, template)) {
      Y.applyUpdate(stored.doc, template);
      return { ...stored, empty: false, state: template, bytes: template.length };
    }
    // Another node seeded it first: use theirs, so the template is never there twice.
    stored.doc.destroy();
    return this.store.load(name, { serve, defer: serve });
  }

  // Flush before letting go, so a reconnect that reloads from the database sees every update;
  // then compact, so the next load reads one snapshot.
  private async unload(doc: LiveDocument): Promise<void> {
    if (doc.peers.size > 0) return;
    await this.store.flush();
    if (doc.peers.size > 0) return; // someone came back while we flushed
    this.live.delete(doc.name);
    this.loaded.delete(doc.name);
    this.relay?.leave(doc.name);
    try {
      await this.store.compactIfLogged(doc.name, () => doc.doc);
    } catch (err) {
      this.logger.error({ doc: doc.name, err: (err as Error).message }, 'notes compaction failed');
    }
    doc.destroy();
    this.logger.debug({ doc: doc.name }, 'notes document unloaded');
    if (!this.live.has(doc.name)) this.store.forget(doc.name);
  }
}
