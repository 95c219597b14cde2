// Durable Yjs documents in Postgres (or PGlite).
//
// Every update is appended to an update log as it arrives. Appends are gathered for a few
// milliseconds and written as one INSERT (group commit), a document's updates in a group
// merged into one row: each append's promise resolves when its group is committed, so a
// crash loses at most the group in flight, never a debounce window. Loading is snapshot + the
// log after it, read in one repeatable-read transaction so a concurrent compaction cannot
// split them.
//
// Compaction replaces the snapshot and the log it covers, in one transaction. For a document
// loaded on this node the new snapshot is the live document's own state, once it is known to
// hold everything being replaced (rows this node wrote or loaded need no check; rows another
// node wrote are checked without applying them); otherwise the log is folded through a
// Y.Doc. Either way deleted content is garbage-collected.
import { sql, type Kysely } from 'kysely';
import * as Y from 'yjs';
import type { Database } from '../../db/types.js';
import type { Logger } from '../../shared/logger.js';

export interface NotesStoreOptions {
  /** How long appends are gathered before they are written together. */
  groupCommitMs?: number;
  /** A group is written at once when it reaches this many bytes. */
  groupMaxBytes?: number;
  /** Compact a document once this many client updates were appended since its last compaction. */
  compactAfterUpdates?: number;
}

interface Pending {
  doc: string;
  update: Uint8Array;
  /** How many client edits the update carries (a connection may merge several). */
  edits: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface StoredDocument {
  doc: Y.Doc;
  /** The last log sequence number applied. */
  seq: number;
  /** Nothing stored at all: no snapshot and no log (a template may be seeded). */
  empty: boolean;
  /** The stored state as one update, when it is just the snapshot (no log after it). */
  state: Uint8Array | null;
  /** `state` is not applied to `doc` yet (the caller asked to apply it when needed). */
  deferred: boolean;
  /** Bytes stored for it (snapshot + log): what its size limit counts from after a reload. */
  bytes: number;
}

/** What this node knows of a document it serves, since its snapshot. */
interface LogState {
  /** Client updates appended here since the last compaction (several may share a row). */
  updates: number;
  bytes: number;
  snapshotBytes: number;
  /** The snapshot's upto_seq when the live document is known to hold it; -1: to be checked. */
  snapshotUpto: number;
  /** Every row up to here was loaded into the live document. */
  loadedUpto: number;
  /** Rows this node appended after loading (so the live document holds them). */
  own: Set<number>;
}

/** The live Y.Doc of a document served by this node, if any. */
export type LiveLookup = (doc: string) => Y.Doc | undefined;

const INSERT_ROWS = 500;
const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc());
const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** The document's state, with the updates still waiting for what they build on (Yjs leaves those out). */
function fullState(doc: Y.Doc): Uint8Array {
  const state = Y.encodeStateAsUpdate(doc);
  const { pendingStructs, pendingDs } = doc.store;
  if (!pendingStructs && !pendingDs) return state;
  return Y.mergeUpdates([state, ...(pendingStructs ? [pendingStructs.update] : []), ...(pendingDs ? [pendingDs] : [])]);
}

export class NotesStore {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly logs = new Map<string, LogState>();
  private readonly compacting = new Map<string, Promise<void>>();
  private readonly groupCommitMs: number;
  private readonly groupMaxBytes: number;
  private readonly compactAfter: number;
  private live: LiveLookup = () => undefined;
  /** Client edits committed since start, per document (the crash test reads it from the log). */
  readonly committed = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    options: NotesStoreOptions = {},
  ) {
    this.groupCommitMs = options.groupCommitMs ?? 5;
    this.groupMaxBytes = options.groupMaxBytes ?? 512 * 1024;
    this.compactAfter = options.compactAfterUpdates ?? 1000;
  }

  /** Lets compactions started by the store itself use the live documents. */
  useLiveDocuments(lookup: LiveLookup): void {
    this.live = lookup;
  }

  /** Resolves once the update is committed. */
  append(doc: string, update: Uint8Array, edits = 1): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, update, edits, resolve, reject });
      this.pendingBytes += update.length;
      if (this.pendingBytes >= this.groupMaxBytes) this.flushSoon(0);
      else this.flushSoon(this.groupCommitMs);
    });
  }

  /** Writes whatever is pending now and waits for every write so far. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeGroup();
    await this.writing;
  }

  /**
   * `serve`: this node keeps the document live from now on (its log is tracked for compaction).
   * `defer`: a snapshot without a log after it is returned unapplied, as `state`.
   */
  async load(doc: string, { serve = false, defer = false } = {}): Promise<StoredDocument> {
    const { snapshot, rows } = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const snapshot = await trx.selectFrom('notes_snapshots').select(['state', 'upto_seq']).where('doc', '=', doc).executeTakeFirst();
        const from = snapshot ? Number(snapshot.upto_seq) : 0;
        const rows = await trx.selectFrom('notes_updates').select(['seq', 'update']).where('doc', '=', doc).where('seq', '>', from).orderBy('seq').execute();
        return { snapshot, rows };
      });
    const ydoc = new Y.Doc();
    const deferred = defer && snapshot !== undefined && rows.length === 0;
    if (snapshot && !deferred) Y.applyUpdate(ydoc, snapshot.state);
    // Applying all at once lets Yjs integrate them in one transaction.
    if (rows.length > 0) Y.applyUpdate(ydoc, Y.mergeUpdates(rows.map((r) => r.update)));
    const upto = snapshot ? Number(snapshot.upto_seq) : 0;
    const seq = rows.length > 0 ? Number(rows[rows.length - 1]?.seq) : upto;
    const bytes = rows.reduce((n, r) => n + r.update.length, 0);
    if (serve) {
      this.logs.set(doc, { updates: rows.length, bytes, snapshotBytes: snapshot?.state.length ?? 0, snapshotUpto: upto, loadedUpto: seq, own: new Set() });
    }
    return { doc: ydoc, seq, empty: !snapshot && rows.length === 0, state: snapshot && rows.length === 0 ? snapshot.state : null, deferred, bytes: bytes + (snapshot?.state.length ?? 0) };
  }

  /**
   * Stores a first state for a document that has none (a template). Only one caller wins,
   * whichever node it runs on: returns false when the document already had a snapshot.
   */
  async seed(doc: string, state: Uint8Array): Promise<boolean> {
    const inserted = await this.db
      .insertInto('notes_snapshots')
      .values({ doc, state: toBuffer(state), upto_seq: 0, updated_at: new Date() })
      .onConflict((oc) => oc.column('doc').doNothing())
      .returning('doc')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /**
   * Replaces the snapshot and the log it covers with one new snapshot. Safe to run while
   * appends continue, on any node. `live`: the document as this node serves it.
   */
  compact(doc: string, live: Y.Doc | undefined = this.live(doc)): Promise<void> {
    const running = this.compacting.get(doc);
    if (running) return running;
    const work = this.db
      .transaction()
      .execute(async (trx) => {
        // A row to lock even for a document never compacted: two nodes compacting at once
        // take turns instead of the second folding only the log the first left behind.
        await trx
          .insertInto('notes_snapshots')
          .values({ doc, state: toBuffer(EMPTY_STATE), upto_seq: 0, updated_at: new Date() })
          .onConflict((oc) => oc.column('doc').doNothing())
          .execute();
        const snapshot = await trx.selectFrom('notes_snapshots').select(['state', 'upto_seq']).where('doc', '=', doc).forUpdate().executeTakeFirstOrThrow();
        const from = Number(snapshot.upto_seq);
        const seqs = (await trx.selectFrom('notes_updates').select('seq').where('doc', '=', doc).where('seq', '>', from).orderBy('seq').execute()).map((r) => Number(r.seq));
        const upto = seqs[seqs.length - 1];
        if (upto === undefined) return;
        const log = this.logs.get(doc);
        let state: Uint8Array | null = null;
        if (live && log) {
          const foreign = seqs.filter((s) => s > log.loadedUpto && !log.own.has(s));
          const rows = foreign.length > 0 ? await trx.selectFrom('notes_updates').select('update').where('seq', 'in', foreign).execute() : [];
          // What the live document is not known to hold is checked against it (decoded, not applied).
          const unknown = [...(log.snapshotUpto === from ? [] : [snapshot.state]), ...rows.map((r) => r.update)];
          const held = unknown.length === 0 || ((have) => unknown.every((u) => Y.snapshotContainsUpdate(have, u)))(Y.snapshot(live));
          if (held) state = fullState(live);
        }
        const fromLive = state !== null;
        if (!state) {
          const rows = await trx.selectFrom('notes_updates').select('update').where('doc', '=', doc).where('seq', '>', from).where('seq', '<=', upto).orderBy('seq').execute();
          const ydoc = new Y.Doc();
          Y.applyUpdate(ydoc, snapshot.state);
          Y.applyUpdate(ydoc, Y.mergeUpdates(rows.map((r) => r.update)));
          state = fullState(ydoc);
          ydoc.destroy();
        }
        await trx.updateTable('notes_snapshots').set({ state: toBuffer(state), upto_seq: upto, updated_at: new Date() }).where('doc', '=', doc).execute();
        await trx.deleteFrom('notes_updates').where('doc', '=', doc).where('seq', '<=', upto).execute();
        if (log) {
          for (const s of log.own) if (s <= upto) log.own.delete(s);
          Object.assign(log, {
            updates: 0,
            bytes: 0,
            snapshotBytes: state.length,
            // A folded snapshot may hold what the live document lacks: check it next time.
            snapshotUpto: fromLive ? upto : -1,
            loadedUpto: fromLive ? Math.max(log.loadedUpto, upto) : log.loadedUpto,
          });
        }
        this.logger.debug({ doc, rows: seqs.length, bytes: state.length, fromLive }, 'notes compacted');
      })
      .finally(() => this.compacting.delete(doc));
    this.compacting.set(doc, work);
    return work;
  }

  /** Compacts when this node appended anything since the document's last compaction. */
  async compactIfLogged(doc: string, live?: () => Y.Doc): Promise<void> {
    if ((this.logs.get(doc)?.updates ?? 0) > 0) await this.compact(doc, live?.());
  }

  /** Forgets a document's log (it is no longer served here). */
  forget(doc: string): void {
    if (!this.compacting.has(doc)) this.logs.delete(doc);
  }

  /** Bytes stored for a document (snapshot + log). */
  async storedBytes(doc: string): Promise<number> {
    const { rows } = await sql<{ bytes: number }>`
      select coalesce((select length(state) from notes_snapshots where doc = ${doc}), 0)
           + coalesce((select sum(length(update)) from notes_updates where doc = ${doc}), 0) as bytes`.execute(this.db);
    return Number(rows[0]?.bytes ?? 0);
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeGroup();
    }, delayMs);
  }

  // Groups are written one after another, so the log keeps arrival order.
  private writeGroup(): void {
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(async () => {
      const byDoc = new Map<string, Pending[]>();
      for (const p of group) byDoc.set(p.doc, [...(byDoc.get(p.doc) ?? []), p]);
      // One row per document and group: fewer rows to write, read and fold later.
      const rows = [...byDoc].map(([doc, list]) => ({ doc, update: toBuffer(list.length === 1 ? (list[0] as Pending).update : Y.mergeUpdates(list.map((p) => p.update))) }));
      const seqs = new Map<string, number>();
      try {
        for (let i = 0; i < rows.length; i += INSERT_ROWS) {
          const written = await this.db.insertInto('notes_updates').values(rows.slice(i, i + INSERT_ROWS)).returning(['seq', 'doc']).execute();
          for (const w of written) seqs.set(w.doc, Number(w.seq));
        }
      } catch (err) {
        this.logger.error({ err: (err as Error).message, updates: group.length }, 'notes group commit failed');
        for (const p of group) p.reject(err as Error);
        return;
      }
      for (const [i, [doc, list]] of [...byDoc].entries()) this.committedGroup(doc, list, rows[i]?.update.length ?? 0, seqs.get(doc));
      for (const p of group) p.resolve();
    });
  }

  private committedGroup(doc: string, list: Pending[], bytes: number, seq: number | undefined): void {
    const edits = list.reduce((n, p) => n + p.edits, 0);
    this.committed.set(doc, (this.committed.get(doc) ?? 0) + edits);
    this.logger.debug({ doc, committed: this.committed.get(doc) }, 'notes group committed');
    const log = this.logs.get(doc);
    if (!log) return;
    if (seq !== undefined) log.own.add(seq);
    log.updates += edits;
    log.bytes += bytes;
    // Compaction costs the whole document: wait until the log is worth it (at least half
    // the snapshot), so a large document edited fast is not rewritten every few seconds.
    if (log.updates >= this.compactAfter && log.bytes * 2 >= log.snapshotBytes) {
      void this.compact(doc).catch((err: Error) => this.logger.error({ doc, err: err.message }, 'notes compaction failed'));
    }
  }
}
