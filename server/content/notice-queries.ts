// Reading notices: one select shared by the list and single-notice answers.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { NoticeResponse } from '../../shared/protocol/content.js';
import { userRef } from './queries.js';

export function noticeQuery(db: Kysely<Database>, clubId: number) {
  return db
    .selectFrom('club_notices as n')
    .leftJoin('users as u', 'u.id', 'n.created_by')
    .select(['n.id', 'n.title', 'n.body', 'n.pinned', 'n.position', 'n.created_at', 'n.updated_at', 'u.id as author_id', 'u.username as author_username'])
    .where('n.club_id', '=', clubId);
}

type NoticeRow = Awaited<ReturnType<ReturnType<typeof noticeQuery>['executeTakeFirstOrThrow']>>;

export function toNotice(row: NoticeRow): NoticeResponse {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    pinned: row.pinned,
    position: row.position,
    author: userRef(row.author_id, row.author_username),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Pinned notices first, then the order the moderators chose. */
export async function listNotices(db: Kysely<Database>, clubId: number): Promise<NoticeResponse[]> {
  const rows = await noticeQuery(db, clubId).orderBy('n.pinned', 'desc').orderBy('n.position').orderBy('n.id').execute();
  return rows.map(toNotice);
}
