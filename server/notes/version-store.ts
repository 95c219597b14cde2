// The named versions of notes documents in the database, and the people a document names.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { VersionResponse } from '../../shared/protocol/notes.js';

/** Users looked up per query: far below Postgres' 65,535 bind parameters. */
const NAME_BATCH = 1000;

export interface StoredVersion extends Omit<VersionResponse, 'created_at' | 'bytes'> {
  created_at: Date;
  state: Uint8Array;
}

export const versionJson = (row: Omit<VersionResponse, 'created_at'> & { created_at: Date }): VersionResponse => ({ ...row, created_at: row.created_at.toISOString() });

export class NotesVersionStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Named versions a document may keep (each is a full copy). */
    readonly maxVersions: number,
  ) {}

  /** Saves a state under a name, or null when the document already keeps the most versions. */
  async save(docName: string, name: string, state: Uint8Array, userId: number): Promise<VersionResponse | null> {
    const row = await this.db.transaction().execute(async (trx) => {
      // One saver per document at a time, so two at once cannot both take the last place.
      await sql`select pg_advisory_xact_lock(hashtext(${`notes_versions:${docName}`}))`.execute(trx);
      const { n } = await trx.selectFrom('notes_versions').select((eb) => eb.fn.countAll<string>().as('n')).where('doc', '=', docName).executeTakeFirstOrThrow();
      if (Number(n) >= this.maxVersions) return null;
      return trx
        .insertInto('notes_versions')
        .values({ doc: docName, name, state: Buffer.from(state.buffer, state.byteOffset, state.byteLength), created_by: userId })
        .returning(['id', 'doc', 'name', 'created_by', 'created_at'])
        .executeTakeFirstOrThrow();
    });
    return row ? versionJson({ ...row, bytes: state.byteLength }) : null;
  }

  /** Newest first: `limit + 1` rows below `beforeId`, so the caller can tell whether more follow. */
  async list(docName: string, limit: number, beforeId?: number): Promise<VersionResponse[]> {
    let query = this.db
      .selectFrom('notes_versions')
      .select((eb) => ['id', 'doc', 'name', 'created_by', 'created_at', eb.fn<number>('length', ['state']).as('bytes')])
      .where('doc', '=', docName);
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit + 1).execute();
    return rows.map((r) => versionJson({ ...r, bytes: Number(r.bytes) }));
  }

  get(docName: string, versionId: number): Promise<StoredVersion | undefined> {
    return this.db.selectFrom('notes_versions').select(['id', 'doc', 'name', 'created_by', 'created_at', 'state']).where('id', '=', versionId).where('doc', '=', docName).executeTakeFirst();
  }

  /** Display names (nickname, else username) of these users, looked up in batches. */
  async names(ids: number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (let i = 0; i < ids.length; i += NAME_BATCH) {
      const rows = await this.db.selectFrom('users').select(['id', 'username', 'nickname']).where('id', 'in', ids.slice(i, i + NAME_BATCH)).execute();
      for (const r of rows) names.set(r.id, r.nickname || r.username);
    }
    return names;
  }
}
