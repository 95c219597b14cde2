// Notices: announcements a club keeps on its board, pinned ones first, in an explicit order.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import { MAX_NOTICES, type NoticeCreate, type NoticeResponse, type NoticeUpdate } from '../../shared/protocol/content.js';
import type { ClubEventPublisher } from '../features.js';
import { listNotices, noticeQuery, toNotice } from './notice-queries.js';
import { lockClub } from './queries.js';

export class NoticeService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  list(clubId: number): Promise<NoticeResponse[]> {
    return listNotices(this.db, clubId);
  }

  private async get(clubId: number, noticeId: number): Promise<NoticeResponse> {
    const row = await noticeQuery(this.db, clubId).where('n.id', '=', noticeId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Notice not found');
    return toNotice(row);
  }

  async create(clubId: number, actorId: number, input: NoticeCreate): Promise<NoticeResponse> {
    const id = await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const { count, last } = await trx
        .selectFrom('club_notices')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max<number | null>('position').as('last')])
        .where('club_id', '=', clubId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_NOTICES) throw new AppError('conflict', `A club keeps at most ${MAX_NOTICES} notices; delete old ones first`);
      const created = await trx
        .insertInto('club_notices')
        .values({ club_id: clubId, title: input.title, body: input.body, pinned: input.pinned, position: (last ?? -1) + 1, created_by: actorId, updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return created.id;
    });
    const notice = await this.get(clubId, id);
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'notice', action: 'created', id, data: notice });
    return notice;
  }

  async update(clubId: number, noticeId: number, actorId: number, input: NoticeUpdate): Promise<NoticeResponse> {
    const result = await this.db
      .updateTable('club_notices')
      .set({ ...input, updated_at: new Date() })
      .where('id', '=', noticeId)
      .where('club_id', '=', clubId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('not_found', 'Notice not found');
    const notice = await this.get(clubId, noticeId);
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'notice', action: 'updated', id: noticeId, data: notice });
    return notice;
  }

  async remove(clubId: number, noticeId: number, actorId: number): Promise<void> {
    const result = await this.db.deleteFrom('club_notices').where('id', '=', noticeId).where('club_id', '=', clubId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'Notice not found');
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'notice', action: 'deleted', id: noticeId });
  }

  /** `ids` must name every notice of the club once; their positions become the list order. */
  async reorder(clubId: number, actorId: number, ids: number[]): Promise<NoticeResponse[]> {
    await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const existing = new Set((await trx.selectFrom('club_notices').select('id').where('club_id', '=', clubId).execute()).map((r) => r.id));
      const exact = ids.length === existing.size && new Set(ids).size === ids.length && ids.every((id) => existing.has(id));
      if (!exact) throw validationError([{ path: 'ids', message: `must list each of the club's ${existing.size} notices exactly once` }]);
      if (ids.length === 0) return;
      const position = sql<number>`CASE id ${sql.join(ids.map((id, i) => sql`WHEN ${id} THEN ${i}::integer`), sql` `)} END`;
      await trx.updateTable('club_notices').set({ position, updated_at: new Date() }).where('club_id', '=', clubId).execute();
    });
    const notices = await this.list(clubId);
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'notice', action: 'updated', id: null, data: { order: ids } });
    return notices;
  }
}
