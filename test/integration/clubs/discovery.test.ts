import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { signUpAndLogin, uniqueName, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Card {
  id: number;
  title: string;
  [field: string]: unknown;
}

const CARD_FIELDS = ['has_password', 'id', 'keywords', 'kind', 'like_count', 'max_members', 'member_count', 'schedule', 'seats_left', 'summary', 'title', 'visibility'];

function schedule(weekdays: number[], start_time = '19:00', duration_minutes = 120) {
  return { times: weekdays.length, period: 'week', weekdays, start_time, duration_minutes, time_zone: 'Europe/Berlin', starts_on: '2025-01-01' };
}

/** Likes a club from `count` fresh accounts. */
async function like(server: TestServer, clubId: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const fan = await signUpAndLogin(server.http);
    assert.equal((await server.http.put(`/api/clubs/${clubId}/like`, undefined, fan.access)).status, 200);
  }
}

describe('club search', () => {
  let server: TestServer;
  let owner: TestAccount;
  let reader: TestAccount;
  const search = async (query: string): Promise<{ items: Card[]; next_cursor: string | null }> => {
    const res = await server.http.get(`/api/clubs?${query}`, reader.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const titles = async (query: string) => (await search(query)).items.map((c) => c.title);

  before(async () => {
    server = await startTestServer({ env: { CLUBS_PER_USER: '200' } });
    [owner, reader] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
  });
  after(() => server.close());

  it('needs a signed-in caller', async () => {
    assert.equal((await server.http.get('/api/clubs')).status, 401);
  });

  it('matches every word as a prefix of title, keywords or summary', async () => {
    const tag = uniqueName('t');
    await createClub(server.http, owner, { title: `Tolkien evenings ${tag}` });
    await createClub(server.http, owner, { title: `Tolstoy marathon ${tag}` });
    await createClub(server.http, owner, { title: `Dostoevsky nights ${tag}`, keywords: ['russian classics'] });
    assert.deepEqual((await titles(`q=${tag}+tol`)).sort(), [`Tolkien evenings ${tag}`, `Tolstoy marathon ${tag}`]);
    assert.deepEqual(await titles(`q=${tag}+TOLK`), [`Tolkien evenings ${tag}`]);
    assert.deepEqual(await titles(`q=${tag}+tol+mara`), [`Tolstoy marathon ${tag}`]);
    assert.deepEqual(await titles(`q=${tag}+russ`), [`Dostoevsky nights ${tag}`]);
    assert.deepEqual(await titles(`q=${tag}+tolkiens`), []);
  });

  it('finds Korean text by whole words and by prefixes', async () => {
    const tag = uniqueName('k');
    await createClub(server.http, owner, { title: `한국 문학 읽기 ${tag}`, summary: '장편소설을 한 달에 한 권씩', keywords: ['현대시'] });
    await createClub(server.http, owner, { title: `Korean for beginners ${tag}`, summary: '한글 기초' });
    const q = (words: string) => titles(`q=${encodeURIComponent(`${tag} ${words}`)}`);
    assert.deepEqual(await q('한국'), [`한국 문학 읽기 ${tag}`]);
    assert.deepEqual(await q('문'), [`한국 문학 읽기 ${tag}`]);
    assert.deepEqual(await q('장편'), [`한국 문학 읽기 ${tag}`]);
    assert.deepEqual(await q('현대'), [`한국 문학 읽기 ${tag}`]);
    // A title match outranks a summary match.
    assert.deepEqual(await q('한'), [`한국 문학 읽기 ${tag}`, `Korean for beginners ${tag}`]);
    assert.deepEqual(await q('한국 beginners'), []);
  });

  it('ranks title and keyword matches above summary above detail, then by likes', async () => {
    const word = uniqueName('r');
    const detail = await createClub(server.http, owner, { title: 'In the detail', detail: `We read ${word} slowly` });
    const summary = await createClub(server.http, owner, { title: 'In the summary', summary: `All about ${word}` });
    const title = await createClub(server.http, owner, { title: `${word} club` });
    const keyword = await createClub(server.http, owner, { title: 'In the keywords', keywords: [word] });
    await like(server, keyword.id, 1);
    const found = (await search(`q=${word}`)).items.map((c) => c.id);
    // Title and keyword carry the same weight: the liked one goes first.
    assert.deepEqual(found, [keyword.id, title.id, summary.id, detail.id]);
  });

  it('narrows by kind, keyword, weekday and free seats', async () => {
    const tag = uniqueName('f');
    const study = await createClub(server.http, owner, { kind: 'study', title: `Algorithms ${tag}`, keywords: ['cs'], schedule: schedule([1, 3]) });
    const poetry = await createClub(server.http, owner, { title: `Poems ${tag}`, keywords: ['poetry', 'cs'], schedule: schedule([3]) });
    const full = await createClub(server.http, owner, { title: `Full house ${tag}`, keywords: ['poetry'], max_members: 1, schedule: schedule([5]) });
    const ids = async (query: string) => (await search(`q=${tag}&${query}`)).items.map((c) => c.id).sort((a, b) => a - b);
    assert.deepEqual(await ids('kind=study'), [study.id]);
    assert.deepEqual(await ids('kind=book'), [poetry.id, full.id]);
    assert.deepEqual(await ids('keyword=Poetry'), [poetry.id, full.id]);
    assert.deepEqual(await ids('keyword=cs&kind=book'), [poetry.id]);
    assert.deepEqual(await ids('weekday=3'), [study.id, poetry.id]);
    assert.deepEqual(await ids('weekday=1'), [study.id]);
    assert.deepEqual(await ids('weekday=0'), []);
    assert.deepEqual(await ids('has_seats=true'), [study.id, poetry.id]);
    assert.deepEqual(await ids('has_seats=false'), [full.id]);
    const bad = await server.http.get('/api/clubs?weekday=7&kind=poetry&has_seats=maybe&limit=101', reader.access);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path).sort(), ['has_seats', 'kind', 'limit', 'weekday']);
  });

  it('pages without duplicates or gaps, with and without words, through equal ranks and likes', async () => {
    const tag = uniqueName('p');
    const created: number[] = [];
    for (let i = 0; i < 7; i += 1) created.push((await createClub(server.http, owner, { title: `Same words ${tag}`, keywords: [tag] })).id);
    await like(server, created[4] as number, 2);
    await like(server, created[1] as number, 1);
    const expected = [created[4], created[1], created[0], created[2], created[3], created[5], created[6]];
    for (const base of [`q=${tag}`, `keyword=${tag}`]) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { items: Card[]; next_cursor: string | null } = await search(`${base}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor && pages < 10);
      assert.deepEqual(seen, expected, base);
      assert.equal(pages, 3);
    }
  });

  it('refuses cursors it did not hand out, or handed out for the other order', async () => {
    const tag = uniqueName('c');
    for (let i = 0; i < 2; i += 1) await createClub(server.http, owner, { title: `Cursor ${tag}` });
    const textCursor = (await search(`q=${tag}&limit=1`)).next_cursor as string;
    const popularCursor = (await search('limit=1')).next_cursor as string;
    for (const [query, cursor] of [['limit=1', textCursor], [`q=${tag}&limit=1`, popularCursor], ['limit=1', 'bm9wZQ'], ['limit=1', Buffer.from('["popular",1.5,1,1]').toString('base64url')]] as const) {
      const res = await server.http.get(`/api/clubs?${query}&cursor=${cursor}`, reader.access);
      assert.equal(res.status, 400, `${query} ${cursor}`);
      assert.equal(res.body.error.details[0].path, 'cursor');
    }
  });

  it('never passes raw text to the query parser', async () => {
    for (const q of ["a & | ! :* ' ( ) <-> \\", '!!!', ':*', '&', "'; drop table clubs; --", ' '.repeat(10)]) {
      assert.equal((await server.http.get(`/api/clubs?q=${encodeURIComponent(q)}`, reader.access)).status, 200, q);
    }
  });

  it('shows private clubs as cards only, and never finds them by their detail', async () => {
    const secret = uniqueName('s');
    const hidden = await createClub(server.http, owner, { title: `Closed circle ${secret}`, visibility: 'private', join_password: 'open sesame', detail: `members only: ${secret}x`, keywords: ['secret'], schedule: schedule([2]) });
    const open = await createClub(server.http, owner, { title: 'Open circle', detail: `anyone may read: ${secret}x`, schedule: schedule([2]) });
    assert.deepEqual((await search(`q=${secret}x`)).items.map((c) => c.id), [open.id]);
    const [card] = (await search(`q=closed+${secret}`)).items;
    assert.equal(card?.id, hidden.id);
    assert.deepEqual(Object.keys(card).sort(), CARD_FIELDS);
    assert.equal(card?.visibility, 'private');
    assert.equal(card?.has_password, true);
    assert.equal(card?.schedule, null);
    assert.equal(card?.seats_left, 5);
    const openCard = (await search(`q=open+circle+${secret}`)).items[0];
    assert.deepEqual(openCard?.schedule, { weekdays: [2], start_time: '19:00', time_zone: 'Europe/Berlin' });
  });
});

// The reader below has interests (poetry, history), logs of two books ("The Vegetarian" by Han
// Kang, fiction; "The Dispossessed" by Le Guin, sci-fi) and one club, Home, meeting Tuesdays
// 19:00–21:00 in Berlin. Expected order, with the weights of server/clubs/recommend-score.ts
// (every candidate has its owner as its one member: +0.3·ln 2 ≈ 0.21 each, left out below):
//   1. fit       history (3) + meets Thursdays at 19:00, the hour Home meets (1.5)   = 4.5
//   2. twin      its reading list holds The Vegetarian, a book the reader logged (4) = 4.0
//      One shared book outweighs one shared interest, but an interest plus a matching
//      hour beats a book alone.
//   3. liked     poetry (3) + 3 likes (0.5·ln 4 ≈ 0.69)                               ≈ 3.69
//   4. poets     poetry (3)                                                          = 3.0
//      Same interest as "liked": likes order them.
//   5. author    "Human Acts", unread, but by Han Kang, whom the reader reads (2)    = 2.0
//   6. category  "Exhalation", another author, but sci-fi (1) + 1 like (≈ 0.35)      ≈ 1.35
//   7. clash     poetry (3), but meets Tuesdays 19:30, during Home (−2)              = 1.0
//   8. plain     nothing in common: shown for popularity alone, reason "popular"     = 0
//   9. full      poetry (3), but no free seat (−4)                                   = −1.0
// Not shown at all: Home (active member), own (the reader owns it), banned (the reader was
// banned), secret (private), although each is tagged poetry.
describe('club recommendations', () => {
  let server: TestServer;
  let owner: TestAccount;
  let reader: TestAccount;
  const clubs: Record<string, number> = {};
  const recommend = async (account: TestAccount, query = 'limit=50') => {
    const res = await server.http.get(`/api/clubs/recommended?${query}`, account.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items as Array<Card & { score: number; reasons: string[] }>;
  };

  before(async () => {
    server = await startTestServer();
    [owner, reader] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const make = async (name: string, body: Record<string, unknown>, by = owner) => (clubs[name] = (await createClub(server.http, by, { title: name, ...body })).id);
    await make('home', { keywords: ['poetry'], schedule: schedule([2]) });
    await admit(server.http, clubs.home as number, owner, reader);
    await make('fit', { keywords: ['history'], schedule: schedule([4]) });
    await make('twin', {});
    await make('liked', { keywords: ['poetry'] });
    await make('poets', { keywords: ['poetry'] });
    await make('author', {});
    await make('category', {});
    await make('clash', { keywords: ['poetry'], schedule: schedule([2], '19:30', 60) });
    await make('plain', { keywords: ['cooking'] });
    await make('full', { keywords: ['poetry'], max_members: 1 });
    await make('own', { keywords: ['poetry'] }, reader);
    await make('banned', { keywords: ['poetry'] });
    await admit(server.http, clubs.banned as number, owner, reader);
    assert.equal((await server.http.post(`/api/clubs/${clubs.banned}/members/${reader.id}/ban`, {}, owner.access)).status, 204);
    await make('secret', { keywords: ['poetry'], visibility: 'private' });
    await like(server, clubs.liked as number, 3);
    await like(server, clubs.category as number, 1);
    assert.equal((await server.http.patch('/api/me', { interests: ['Poetry', 'history'] }, reader.access)).status, 200);

    // Books and logs straight into the tables: the catalogue has its own tests.
    const db = server.app.database.db;
    const book = async (title: string, author: string, category: string) =>
      (await db.insertInto('books').values({ title, author, category, search: sql`to_tsvector('simple', ${title})`, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
    const vegetarian = await book('The Vegetarian', 'Han Kang', 'fiction');
    const dispossessed = await book('The Dispossessed', 'Ursula K. Le Guin', 'sci-fi');
    const humanActs = await book('Human Acts', 'Han Kang', 'fiction');
    const exhalation = await book('Exhalation', 'Ted Chiang', 'Sci-Fi');
    await db.insertInto('reading_logs').values([vegetarian, dispossessed].map((book_id) => ({ user_id: reader.id, book_id, updated_at: new Date() }))).execute();
    await db
      .insertInto('club_books')
      .values([
        { club_id: clubs.twin as number, book_id: vegetarian, position: 0 },
        { club_id: clubs.author as number, book_id: humanActs, position: 0 },
        { club_id: clubs.category as number, book_id: exhalation, position: 0 },
        // Home's list is the reader's own club: it must not lift anything.
        { club_id: clubs.home as number, book_id: dispossessed, position: 0 },
      ])
      .execute();
  });
  after(() => server.close());

  it('ranks clubs for the reader as argued above, with reasons', async () => {
    const items = await recommend(reader);
    const name = (id: number) => Object.keys(clubs).find((k) => clubs[k] === id);
    assert.deepEqual(items.map((c) => name(c.id)), ['fit', 'twin', 'liked', 'poets', 'author', 'category', 'clash', 'plain', 'full']);
    const reasons = Object.fromEntries(items.map((c) => [name(c.id), c.reasons]));
    assert.deepEqual(reasons.fit, ['matches your interests: history', 'meets around the hour your clubs do']);
    assert.deepEqual(reasons.twin, ['its reading list has books you read: The Vegetarian']);
    assert.deepEqual(reasons.author, ['reads authors you read: Han Kang']);
    assert.deepEqual(reasons.category, ['reads the kinds of books you read: sci-fi']);
    assert.deepEqual(reasons.clash, ['matches your interests: poetry']);
    assert.deepEqual(reasons.plain, ['popular']);
    const scores = items.map((c) => c.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    assert.ok(Math.abs((items[0]?.score ?? 0) - (4.5 + 0.3 * Math.log(2))) < 0.001, String(items[0]?.score));
    assert.deepEqual(Object.keys(items[0] as Card).sort(), [...CARD_FIELDS, 'reasons', 'score'].sort());
  });

  it('gives the same answer every time and honours limit', async () => {
    const first = await recommend(reader);
    assert.deepEqual(await recommend(reader), first);
    assert.deepEqual(await recommend(reader, 'limit=3'), first.slice(0, 3));
    assert.equal((await server.http.get('/api/clubs/recommended?limit=51', reader.access)).status, 400);
    assert.equal((await server.http.get('/api/clubs/recommended')).status, 401);
  });

  it('gives a new reader the most popular clubs, saying so', async () => {
    const newcomer = await signUpAndLogin(server.http);
    const items = await recommend(newcomer, 'limit=3');
    // liked: 3 likes; category: 1 like; home: no likes but two members.
    assert.deepEqual(items.map((c) => c.id), [clubs.liked, clubs.category, clubs.home]);
    for (const item of items) assert.deepEqual(item.reasons, ['popular']);
    const all = await recommend(newcomer);
    assert.ok(!all.some((c) => c.id === clubs.secret), 'private clubs are not recommended');
    assert.equal(all.at(-1)?.id, clubs.full, 'a full club comes last');
  });

  it('leaves out clubs the reader is in, owns or is banned from', async () => {
    const ids = (await recommend(reader)).map((c) => c.id);
    for (const name of ['home', 'own', 'banned', 'secret']) assert.ok(!ids.includes(clubs[name] as number), name);
  });
});
