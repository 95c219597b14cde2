// The clubs worth weighing for one reader, and what their reading lists share with the
// reader's books. Every pool is capped, so the work stays bounded however many clubs exist.
//
// Candidates are public clubs the reader is neither active in nor banned from, drawn from
// three pools: the most liked clubs, the most liked of those tagged with the reader's
// interests, and clubs whose reading list holds a book the reader logged or one by an author
// they read. Categories are too broad to pick candidates by; they only weigh the ones picked.
// Private clubs are left out: their reading lists and schedules are for members, so they
// could not be weighed without telling.
import { sql, type Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Database } from '../../db/types.js';
import type { BookTies, Candidate } from './recommend-score.js';

// At most 200 + 400 + 400 = 1,000 candidates, however many clubs there are.
const POPULAR_POOL = 200;
const MATCH_POOL = 400;
/** The reader's most recent logs that count as their reading history. */
const HISTORY_BOOKS = 500;

export interface ReadingHistory {
  /** Logged book id → its title. */
  books: Map<number, string>;
  /** Folded author → as written. */
  authors: Map<string, string>;
  categories: Map<string, string>;
}

// Authors and categories are free text: compared case-blind, with the database's lower() on
// both sides so the reader's history and the reading lists fold case alike.
const AUTHOR_KEY = sql<string>`lower(trim(books.author))`;
const CATEGORY_KEY = sql<string | null>`lower(trim(books.category))`;

export class RecommendationCandidates {
  constructor(private readonly db: Kysely<Database>) {}

  async readingHistory(userId: number): Promise<ReadingHistory> {
    const rows = await this.db
      .selectFrom('reading_logs')
      .innerJoin('books', 'books.id', 'reading_logs.book_id')
      .select(['books.id', 'books.title', 'books.author', 'books.category', AUTHOR_KEY.as('author_key'), CATEGORY_KEY.as('category_key')])
      .where('reading_logs.user_id', '=', userId)
      .orderBy('reading_logs.id', 'desc')
      .limit(HISTORY_BOOKS)
      .execute();
    const history: ReadingHistory = { books: new Map(), authors: new Map(), categories: new Map() };
    for (const row of rows) {
      history.books.set(row.id, row.title);
      if (row.author_key) history.authors.set(row.author_key, row.author.trim());
      if (row.category_key && row.category) history.categories.set(row.category_key, row.category.trim());
    }
    return history;
  }

  /** A book (in a query over `books`) the reader logged, or by an author they read, or (when
   *  asked) of a category they read. */
  private tiedTo(history: ReadingHistory, withCategories: boolean) {
    return sql<boolean>`(books.id = any(${[...history.books.keys()]}::int[]) or ${AUTHOR_KEY} = any(${[...history.authors.keys()]}::text[])${
      withCategories ? sql` or ${CATEGORY_KEY} = any(${[...history.categories.keys()]}::text[])` : sql``
    })`;
  }

  /** The candidates, each with what its reading list shares with the reader's books. */
  async clubs(userId: number, interests: string[], history: ReadingHistory): Promise<Candidate[]> {
    const db = this.db;
    // Backwards over the (like_count, id) index: stops as soon as the pool is full.
    const popular = db.selectFrom('clubs as p').select('p.id').where('p.visibility', '=', 'public').orderBy('p.like_count', 'desc').orderBy('p.id', 'desc').limit(POPULAR_POOL);
    let candidateIds = db.selectFrom(popular.as('popular')).select('popular.id');
    if (interests.length > 0) {
      // Materialized: the matches are found first (through the keywords GIN index when they
      // are few), then sorted, instead of walking the popularity index testing every club.
      const tagged = db
        .with((cte) => cte('tagged').materialized(), (w) => w.selectFrom('clubs as k').select(['k.id', 'k.like_count']).where('k.visibility', '=', 'public').where(sql<boolean>`k.keywords && ${interests}::text[]`))
        .selectFrom('tagged')
        .select('tagged.id')
        .orderBy('tagged.like_count', 'desc')
        .orderBy('tagged.id', 'desc')
        .limit(MATCH_POOL);
      candidateIds = candidateIds.union(db.selectFrom(tagged.as('tagged_pool')).select('tagged_pool.id'));
    }
    // Fetched first: the few ids then find their reading lists through the book_id index.
    const tiedBooks = history.books.size > 0 ? (await db.selectFrom('books').select('books.id').where(this.tiedTo(history, false)).execute()).map((book) => book.id) : [];
    if (tiedBooks.length > 0) {
      // Clubs sharing the most of those books first; then the newest, for a stable order.
      const reading = db
        .selectFrom('club_books')
        .select('club_books.club_id')
        .where(sql<boolean>`club_books.book_id = any(${tiedBooks}::int[])`)
        .groupBy('club_books.club_id')
        .orderBy(sql`count(*)`, 'desc')
        .orderBy('club_books.club_id', 'desc')
        .limit(MATCH_POOL);
      candidateIds = candidateIds.union(db.selectFrom(reading.as('reading_pool')).select('reading_pool.club_id as id'));
    }
    const rows = await db
      .selectFrom('clubs')
      .select(['clubs.id', 'clubs.keywords', 'clubs.member_count', 'clubs.max_members', 'clubs.like_count', 'clubs.schedule'])
      // Each candidate's tied books come along, so no second query has to name them all.
      .$if(history.books.size > 0, (qb) =>
        qb.select((eb) =>
          jsonArrayFrom(
            eb
              .selectFrom('club_books')
              .innerJoin('books', 'books.id', 'club_books.book_id')
              .select(['club_books.book_id', 'club_books.position', AUTHOR_KEY.as('author_key'), CATEGORY_KEY.as('category_key')])
              .whereRef('club_books.club_id', '=', 'clubs.id')
              .where(this.tiedTo(history, true)),
          ).as('tied'),
        ),
      )
      .where('clubs.id', 'in', candidateIds)
      .where('clubs.visibility', '=', 'public')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('memberships')
              .select('memberships.club_id')
              .whereRef('memberships.club_id', '=', 'clubs.id')
              .where('memberships.user_id', '=', userId)
              .where('memberships.status', 'in', ['active', 'banned']),
          ),
        ),
      )
      .execute();
    return rows.map(({ tied, ...club }) => ({ ...club, books: tiesOf(tied ?? [], history) }));
  }
}

interface TiedBook {
  book_id: number;
  position: number;
  author_key: string;
  category_key: string | null;
}

/** Each book on the list counts once, under its strongest tie: logged, same author, category. */
function tiesOf(tied: TiedBook[], history: ReadingHistory): BookTies {
  const ties: BookTies = { books: [], authors: [], categories: [] };
  for (const book of [...tied].sort((a, b) => a.position - b.position)) {
    const title = history.books.get(book.book_id);
    const author = history.authors.get(book.author_key);
    const category = book.category_key ? history.categories.get(book.category_key) : undefined;
    if (title !== undefined) ties.books.push(title);
    else if (author) {
      if (!ties.authors.includes(author)) ties.authors.push(author);
    } else if (category && !ties.categories.includes(category)) ties.categories.push(category);
  }
  return ties;
}
