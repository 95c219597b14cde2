// A club's reading list: books in an order, each with an optional portion and target date.
// Changes take the club row lock, so positions and the list's limit hold under concurrency.
import { sql, type Kysely, type Transaction } from 'kysely';
import { uniqueViolation } from '../../db/open.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import {
  MAX_READING_LIST,
  type ReadingListItemCreate,
  type ReadingListItemResponse,
  type ReadingListItemUpdate,
} from '../../shared/protocol/books.js';
import type { ClubEventPublisher } from '../features.js';
import { bookFrom, booksById } from './book-view.js';

type Db = Kysely<Database> | Transaction<Database>;

function itemQuery(db: Db) {
  return db
    .selectFrom('club_books')
    .leftJoin('users as adder', 'adder.id', 'club_books.added_by')
    .select([
      'club_books.id',
      'club_books.club_id',
      'club_books.book_id',
      'club_books.position',
      'club_books.chapters',
      'club_books.pages',
      'club_books.target_date',
      'club_books.added_by',
      'club_books.created_at',
      'adder.username as adder_username',
    ]);
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof itemQuery>['executeTakeFirstOrThrow']>>;

async function toItems(db: Db, rows: ItemRow[]): Promise<ReadingListItemResponse[]> {
  const books = await booksById(db, rows.map((r) => r.book_id));
  return rows.map((row) => ({
    id: row.id,
    club_id: row.club_id,
    position: row.position,
    chapters: row.chapters,
    pages: row.pages,
    target_date: row.target_date,
    added_by: row.added_by !== null && row.adder_username !== null ? { id: row.added_by, username: row.adder_username } : null,
    created_at: row.created_at.toISOString(),
    book: bookFrom(books, row.book_id),
  }));
}

async function lockClub(trx: Transaction<Database>, clubId: number): Promise<void> {
  await trx.selectFrom('clubs').select('id').where('id', '=', clubId).forUpdate().execute();
}

function bookTaken(itemId: number | null): AppError {
  return new AppError('conflict', 'This book is already on the reading list', { item_id: itemId });
}

export class ReadingList {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  async list(clubId: number): Promise<ReadingListItemResponse[]> {
    const rows = await itemQuery(this.db).where('club_books.club_id', '=', clubId).orderBy('club_books.position').orderBy('club_books.id').execute();
    return toItems(this.db, rows);
  }

  private async item(db: Db, clubId: number, itemId: number): Promise<ReadingListItemResponse> {
    const row = await itemQuery(db).where('club_books.id', '=', itemId).where('club_books.club_id', '=', clubId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Reading list item not found');
    const [item] = await toItems(db, [row]);
    return item as ReadingListItemResponse;
  }

  async add(clubId: number, userId: number, input: ReadingListItemCreate): Promise<ReadingListItemResponse> {
    let item: ReadingListItemResponse;
    try {
      item = await this.db.transaction().execute(async (trx) => {
        await lockClub(trx, clubId);
        const book = await trx.selectFrom('books').select('id').where('id', '=', input.book_id).executeTakeFirst();
        if (!book) throw new AppError('validation_failed', 'Invalid request: book_id: no such book', [{ path: 'book_id', message: 'no such book' }]);
        const listed = await trx
          .selectFrom('club_books')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max<number | null>('position').as('last'), sql<number | null>`max(id) filter (where book_id = ${input.book_id})`.as('same')])
          .where('club_id', '=', clubId)
          .executeTakeFirstOrThrow();
        if (listed.same !== null) throw bookTaken(listed.same);
        if (Number(listed.n) >= MAX_READING_LIST) throw new AppError('conflict', `A reading list holds at most ${MAX_READING_LIST} books; remove some first`);
        const { id } = await trx
          .insertInto('club_books')
          .values({
            club_id: clubId,
            book_id: input.book_id,
            position: listed.last === null ? 0 : listed.last + 1,
            chapters: input.chapters ?? null,
            pages: input.pages ?? null,
            target_date: input.target_date ?? null,
            added_by: userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return this.item(trx, clubId, id);
      });
    } catch (err) {
      if (uniqueViolation(err)?.constraint === 'club_books_book') throw bookTaken(null);
      throw err;
    }
    await this.events.publish(clubId, userId, { type: 'content.changed', resource: 'reading_list', action: 'created', id: item.id, data: item });
    return item;
  }

  async update(clubId: number, itemId: number, userId: number, input: ReadingListItemUpdate): Promise<ReadingListItemResponse> {
    const changed = await this.db.updateTable('club_books').set(input).where('id', '=', itemId).where('club_id', '=', clubId).executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) throw new AppError('not_found', 'Reading list item not found');
    const item = await this.item(this.db, clubId, itemId);
    await this.events.publish(clubId, userId, { type: 'content.changed', resource: 'reading_list', action: 'updated', id: item.id, data: item });
    return item;
  }

  /** Removes an item and closes the gap it leaves in the order. */
  async remove(clubId: number, itemId: number, userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const removed = await trx.deleteFrom('club_books').where('id', '=', itemId).where('club_id', '=', clubId).returning('position').executeTakeFirst();
      if (!removed) throw new AppError('not_found', 'Reading list item not found');
      await trx.updateTable('club_books').set({ position: sql`position - 1` }).where('club_id', '=', clubId).where('position', '>', removed.position).execute();
    });
    await this.events.publish(clubId, userId, { type: 'content.changed', resource: 'reading_list', action: 'deleted', id: itemId });
  }

  /** Puts the list in the given order; `ids` must name every item exactly once. */
  async reorder(clubId: number, userId: number, ids: number[]): Promise<ReadingListItemResponse[]> {
    await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const current = await trx.selectFrom('club_books').select('id').where('club_id', '=', clubId).execute();
      const known = new Set(current.map((r) => r.id));
      if (ids.length !== known.size || !ids.every((id) => known.has(id))) {
        throw new AppError('validation_failed', 'Invalid request: ids: must list every item of the reading list exactly once', [
          { path: 'ids', message: 'must list every item of the reading list exactly once' },
        ]);
      }
      if (ids.length === 0) return;
      // One statement for the whole order; the position constraint is checked at commit.
      await sql`
        update club_books set position = (o.ord - 1)::int
        from unnest(string_to_array(${ids.join(',')}, ',')::int[]) with ordinality as o(id, ord)
        where club_books.id = o.id and club_books.club_id = ${clubId}`.execute(trx);
    });
    await this.events.publish(clubId, userId, { type: 'content.changed', resource: 'reading_list', action: 'updated', id: null, data: { order: ids } });
    return this.list(clubId);
  }
}
