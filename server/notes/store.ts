// Durable Yjs documents in Postgres (or PGlite).
//
// Every update is appended to an update log as it arrives. Appends are gathered for a few
// milliseconds and written as one multi-row INSERT (group commit): each append's promise
// resolves when its group is committed, so a crash loses at most the group in flight, never
// a debounce window. Compaction folds a document's log into one snapshot (through a Y.Doc,
// so deleted content is garbage-collected) and deletes what it covered, in one transaction.
// Loading is snapshot + the log after it.
import { sql, type Kysely } from 'kysely';
import * as Y from 'yjs';
import type { Database } from '../../db/types.js';
import type { Logger } from '../../shared/logger.js';

export interface NotesStoreOptions {
  /** How long appends are gathered before they are written together. */
  groupCommitMs?: number;
  /** A group is written at once when it reaches this many bytes. */
  groupMaxBytes?: number;
  /** Compact a document once its log holds this many updates. */
  compactAfterUpdates?: number;
}

interface Pending {
  doc: string;
  update: Uint8Array;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface StoredDocument {
  doc: Y.Doc;
  /** The last log sequence number applied (for tail reads). */
  seq: number;
}

export class NotesStore {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly logCounts = new Map<string, number>();
  private readonly compacting = new Map<string, Promise<void>>();
  private readonly groupCommitMs: number;
  private readonly groupMaxBytes: number;
  private readonly compactAfter: number;
  /** Updates committed since start, per document (the crash test reads it from the log). */
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

  /** Resolves once the update is committed. */
  append(doc: string, update: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, update, resolve, reject });
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

  async load(doc: string): Promise<StoredDocument> {
    const ydoc = new Y.Doc();
    const snapshot = await this.db.selectFrom('notes_snapshots').select(['state', 'upto_seq']).where('doc', '=', doc).executeTakeFirst();
    if (snapshot) Y.applyUpdate(ydoc, snapshot.state);
    let seq = snapshot ? Number(snapshot.upto_seq) : 0;
    const rows = await this.db.selectFrom('notes_updates').select(['seq', 'update']).where('doc', '=', doc).where('seq', '>', seq).orderBy('seq').execute();
    // Applying all at once lets Yjs integrate them in one transaction.
    if (rows.length > 0) Y.applyUpdate(ydoc, Y.mergeUpdates(rows.map((r) => r.update)));
    seq = rows.length > 0 ? Number(rows[rows.length - 1]?.seq) : seq;
    this.logCounts.set(doc, rows.length);
    return { doc: ydoc, seq };
  }

  /** Log rows after `seq` (a node catching up on what it missed). */
  async tail(doc: string, seq: number): Promise<Array<{ seq: number; update: Uint8Array }>> {
    const rows = await this.db.selectFrom('notes_updates').select(['seq', 'update']).where('doc', '=', doc).where('seq', '>', seq).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), update: r.update }));
  }

  /** Folds the document's log into its snapshot. Safe to run while appends continue. */
  compact(doc: string): Promise<void> {
    const running = this.compacting.get(doc);
    if (running) return running;
    const work = this.db
      .transaction()
      .execute(async (trx) => {
        const snapshot = await trx.selectFrom('notes_snapshots').select(['state', 'upto_seq']).where('doc', '=', doc).forUpdate().executeTakeFirst();
        const from = snapshot ? Number(snapshot.upto_seq) : 0;
        const rows = await trx.selectFrom('notes_updates').select(['seq', 'update']).where('doc', '=', doc).where('seq', '>', from).orderBy('seq').execute();
        if (rows.length === 0) return;
        const ydoc = new Y.Doc();
        if (snapshot) Y.applyUpdate(ydoc, snapshot.state);
        Y.applyUpdate(ydoc, Y.mergeUpdates(rows.map((r) => r.update)));
        const encoded = Y.encodeStateAsUpdate(ydoc);
        const state = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
        ydoc.destroy();
        const upto = Number(rows[rows.length - 1]?.seq);
        await trx
          .insertInto('notes_snapshots')
          .values({ doc, state, upto_seq: upto, updated_at: new Date() })
          .onConflict((oc) => oc.column('doc').doUpdateSet({ state, upto_seq: upto, updated_at: new Date() }))
          .execute();
        await trx.deleteFrom('notes_updates').where('doc', '=', doc).where('seq', '<=', upto).execute();
        this.logCounts.set(doc, Math.max(0, (this.logCounts.get(doc) ?? 0) - rows.length));
        this.logger.debug({ doc, folded: rows.length, bytes: state.length }, 'notes compacted');
      })
      .finally(() => this.compacting.delete(doc));
    this.compacting.set(doc, work);
    return work;
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
      try {
        const rows = group.map((p) => ({ doc: p.doc, update: Buffer.from(p.update.buffer, p.update.byteOffset, p.update.byteLength) }));
        await this.db.insertInto('notes_updates').values(rows).execute();
      } catch (err) {
        this.logger.error({ err: (err as Error).message, updates: group.length }, 'notes group commit failed');
        for (const p of group) p.reject(err as Error);
        return;
      }
      const perDoc = new Map<string, number>();
      for (const p of group) perDoc.set(p.doc, (perDoc.get(p.doc) ?? 0) + 1);
      for (const [doc, n] of perDoc) {
        this.committed.set(doc, (this.committed.get(doc) ?? 0) + n);
        const count = (this.logCounts.get(doc) ?? 0) + n;
        this.logCounts.set(doc, count);
        this.logger.debug({ doc, committed: this.committed.get(doc) }, 'notes group committed');
        if (count >= this.compactAfter) void this.compact(doc).catch((err: Error) => this.logger.error({ doc, err: err.message }, 'notes compaction failed'));
      }
      for (const p of group) p.resolve();
    });
  }
}
