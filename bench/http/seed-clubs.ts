// Seeds many clubs (and a book catalogue with reading lists) straight into the database with a
// few set-based INSERTs: 10,000 clubs take seconds, not 10,000 HTTP calls. Titles, keywords
// and summaries mix English and Korean words so prefix search has realistic spread.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';

const TITLE_WORDS = ['tolkien', 'tolstoy', 'austen', 'borges', 'calvino', 'woolf', 'murakami', 'ishiguro', 'le guin', 'chiang', 'han kang', '한국', '문학', '소설', '시집', '고전', 'fantasy', 'mystery', 'history', 'poetry', 'science', 'philosophy', 'romance', 'thriller', 'essays', 'drama', 'memoir', 'classics', 'graphic', 'novels', 'short stories', 'translation', 'evening', 'weekend', 'slow', 'sunday', 'lunchtime', 'night owls', 'beginners', 'marathon', '독서', '모임'];
const KEYWORDS = ['fantasy', 'mystery', 'history', 'poetry', 'science', 'philosophy', 'romance', 'classics', 'korean', 'japanese', 'russian', 'essays', 'memoir', 'sci-fi', '소설', '시', '에세이', '고전'];
const SUMMARY_WORDS = ['we', 'read', 'one', 'book', 'a', 'month', 'and', 'talk', 'about', 'it', 'slowly', 'together', 'with', 'tea', '함께', '읽고', '이야기해요', 'chapters', 'online', 'in person'];
const CATEGORIES = ['fiction', 'sci-fi', 'fantasy', 'poetry', 'history', 'philosophy', 'essays', 'mystery'];
const ZONES = ['Europe/Berlin', 'Asia/Seoul', 'America/New_York', 'UTC'];
const START_TIMES = ['10:00', '12:30', '18:00', '19:00', '19:30', '20:00', '21:00'];

const textArray = (values: string[]) => sql`${values}::text[]`;

/** Picks element ((g * step + shift) mod n) + 1 of an array: spread without randomness. */
const pick = (array: ReturnType<typeof textArray>, n: number, step: number, shift = 0) => sql`(${array})[1 + ((g * ${step} + ${shift}) % ${n})]`;

export async function seedClubs(db: Kysely<Database>, count: number): Promise<{ clubs: number; books: number }> {
  const owner = await db
    .insertInto('users')
    .values({ username: `seed${Date.now()}`, email: `seed${Date.now()}@example.org`, password_hash: 'not-a-hash', interests: '[]', updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const titles = textArray(TITLE_WORDS);
  const keywords = textArray(KEYWORDS);
  const words = textArray(SUMMARY_WORDS);
  const zones = textArray(ZONES);
  const times = textArray(START_TIMES);
  const [nt, nk, nw] = [TITLE_WORDS.length, KEYWORDS.length, SUMMARY_WORDS.length];
  await sql`
    insert into clubs (owner_id, kind, title, summary, detail, visibility, max_members, member_count, keywords, schedule, like_count, search)
    select ${owner.id}, t.kind, t.title, t.summary, t.detail, t.visibility, 6, 1 + g % 6, t.keywords, t.schedule, (g * 7919) % 97,
      setweight(to_tsvector('simple', t.title), 'A') || setweight(to_tsvector('simple', array_to_string(t.keywords, ' ')), 'A')
        || setweight(to_tsvector('simple', t.summary), 'B') || setweight(to_tsvector('simple', t.detail), 'C')
    from generate_series(1, ${count}::int) g, lateral (select
      case when g % 5 = 0 then 'study' else 'book' end as kind,
      case when g % 10 = 0 then 'private' else 'public' end as visibility,
      initcap(${pick(titles, nt, 7)} || ' ' || ${pick(titles, nt, 13, 5)}) || ' #' || g as title,
      ${pick(words, nw, 3)} || ' ' || ${pick(words, nw, 7, 1)} || ' ' || ${pick(words, nw, 11, 2)} || ' ' || ${pick(words, nw, 17, 3)} as summary,
      'Detail ' || ${pick(titles, nt, 19, 3)} || ' ' || ${pick(words, nw, 23, 4)} as detail,
      array[${pick(keywords, nk, 1)}, ${pick(keywords, nk, 5, 3)}] as keywords,
      case when g % 4 = 0 then null else jsonb_build_object(
        'times', 1, 'period', case when g % 3 = 0 then 'month' else 'week' end, 'weekdays', jsonb_build_array(g % 7),
        'start_time', ${pick(times, START_TIMES.length, 3)}, 'duration_minutes', 90,
        'time_zone', ${pick(zones, ZONES.length, 1)}, 'starts_on', '2025-01-01') end as schedule
    ) t`.execute(db);
  // A catalogue of one book per five clubs, three of them on each club's reading list.
  const books = Math.max(1, Math.floor(count / 5));
  const { last } = await db.selectFrom('books').select(sql<number>`coalesce(max(id), 0)::int`.as('last')).executeTakeFirstOrThrow();
  await sql`
    insert into books (title, author, category, search, updated_at)
    select 'Book ' || g, 'Author ' || (g % ${Math.max(1, Math.floor(books / 4))}), ${pick(textArray(CATEGORIES), CATEGORIES.length, 1)}, to_tsvector('simple', 'Book ' || g), now()
    from generate_series(1, ${books}::int) g`.execute(db);
  // One statement inserts with consecutive ids, so book n of this batch is last + n.
  await sql`
    insert into club_books (club_id, book_id, position)
    select c.id, ${last}::int + 1 + ((c.id * 31 + p.position * 7) % ${books}::int), p.position
    from clubs c cross join generate_series(0, 2) p(position)
    where c.owner_id = ${owner.id}`.execute(db);
  return { clubs: count, books };
}

/** Gives a reader a reading history: logs for `count` catalogue books spread over it. */
export async function seedReadingLogs(db: Kysely<Database>, userId: number, count: number): Promise<void> {
  await sql`
    insert into reading_logs (user_id, book_id, progress, updated_at)
    select ${userId}, id, 100, now() from books where id % 97 = 0 order by id limit ${count}
    on conflict do nothing`.execute(db);
}
