import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BlobStore } from '../../../server/uploads/store.js';
import { addDays, utcDay } from '../../../shared/protocol/books.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { photo } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/** Letters only, so a search for it cannot match anything another test made. */
function uniqueWord(): string {
  return Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}

function paths(res: { body: { error: { details: Array<{ path: string }> } } }): string[] {
  return res.body.error.details.map((d) => d.path).sort();
}

describe('books, reading lists, reading logs and streaks', function () {
  this.timeout(60_000);
  let server: TestServer;
  let alice: TestAccount;
  let bob: TestAccount;

  before(async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
  });
  after(() => server.close());

  async function addBook(who: TestAccount, body: Record<string, unknown> = {}): Promise<{ id: number } & Record<string, any>> {
    const res = await server.http.post('/api/books', { title: `Book ${uniqueWord()}`, author: 'Some Author', ...body }, who.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  }

  /** An image stored as if `owner` had uploaded it (the upload endpoints belong to projects). */
  async function uploadedImage(owner: TestAccount): Promise<{ id: string; bytes: Buffer }> {
    const bytes = await photo(32, 48);
    const sha256 = await new BlobStore(path.join(server.dataDir, 'files')).put(bytes);
    const id = randomUUID();
    await server.app.database.db
      .insertInto('files')
      .values({ id, owner_id: owner.id, sha256, size: bytes.length, content_type: 'image/png', name: 'cover.png', kind: 'upload', width: 32, height: 48, thumbnail_id: null })
      .execute();
    return { id, bytes };
  }

  describe('catalogue', () => {
    it('stores ISBN-10 and ISBN-13 with hyphens as one ISBN-13, and names the existing book on a duplicate', async () => {
      const book = await addBook(alice, { title: 'The Art of Computer Programming', author: 'Donald Knuth', isbn: '0-306-40615-2', published_at: '1968-01-01', category: 'Computing' });
      assert.equal(book.isbn, '9780306406157');
      assert.equal(book.published_at, '1968-01-01');
      assert.deepEqual(book.created_by, { id: alice.id, username: alice.username });
      assert.equal(book.rating, null);
      assert.equal(book.rating_count, 0);
      assert.equal(book.cover_url, null);

      const same = await server.http.post('/api/books', { title: 'TAOCP', author: 'D. Knuth', isbn: '978-0-306-40615-7' }, bob.access);
      assert.equal(same.status, 409);
      assert.equal(same.body.error.code, 'conflict');
      assert.deepEqual(same.body.error.details, { book_id: book.id });

      const withX = await addBook(bob, { isbn: '0-8044-2957-X' });
      assert.equal(withX.isbn, '9780804429573');
      // Changing a book to an ISBN another book has is the same conflict.
      const taken = await server.http.patch(`/api/books/${withX.id}`, { isbn: '9780306406157' }, bob.access);
      assert.equal(taken.status, 409);
      assert.deepEqual(taken.body.error.details, { book_id: book.id });
      assert.equal((await server.http.get(`/api/books/${book.id}`, bob.access)).body.title, 'The Art of Computer Programming');
    });

    it('refuses wrong ISBN check digits and other bad fields with their paths', async () => {
      for (const isbn of ['0-306-40615-3', '978-0-306-40615-8', '12345', 'ISBN please']) {
        const res = await server.http.post('/api/books', { title: 'T', author: 'A', isbn }, alice.access);
        assert.equal(res.status, 400, isbn);
        assert.deepEqual(paths(res), ['isbn'], isbn);
      }
      const bad = await server.http.post(
        '/api/books',
        { title: '', author: 'a'.repeat(201), published_at: '2023-02-30', cover_file_id: 'not-a-uuid', rating_sum: 50 },
        alice.access,
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      assert.deepEqual(paths(bad), ['author', 'cover_file_id', 'published_at', 'rating_sum', 'title']);
      assert.equal((await server.http.post('/api/books', { title: 'x'.repeat(301), author: 'A' }, alice.access)).status, 400);
      assert.equal((await server.http.post('/api/books', { title: 'T', author: 'A' })).status, 401);
    });

    it('finds books by word prefixes in title, author or category, title matches first', async () => {
      const w = uniqueWord();
      const byAuthor = await addBook(alice, { title: 'Collected Stories', author: `${w}ington Smith` });
      const byTitle = await addBook(alice, { title: `${w}ville Chronicles`, author: 'Ann Lee' });
      const byCategory = await addBook(alice, { title: 'Other Matters', author: 'Ben Ode', category: `${w}core` });

      const found = await server.http.get(`/api/books?q=${w}`, bob.access);
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.items.map((b: { id: number }) => b.id), [byTitle.id, byAuthor.id, byCategory.id]);
      assert.equal(found.body.next_cursor, null);

      const prefix = await server.http.get(`/api/books?q=${w.slice(0, 5).toUpperCase()}`, bob.access);
      assert.ok(prefix.body.items.some((b: { id: number }) => b.id === byTitle.id));
      // Every word must match: "<w> chron" is the chronicles only.
      assert.deepEqual((await server.http.get(`/api/books?q=${encodeURIComponent(`${w} chron!`)}`, bob.access)).body.items.map((b: { id: number }) => b.id), [byTitle.id]);
      assert.deepEqual((await server.http.get(`/api/books?q=${w}&category=${w.toUpperCase()}CORE`, bob.access)).body.items.map((b: { id: number }) => b.id), [byCategory.id]);
      assert.deepEqual((await server.http.get(`/api/books?q=${w}&author=${encodeURIComponent('INGTON sm')}`, bob.access)).body.items.map((b: { id: number }) => b.id), [byAuthor.id]);
      assert.deepEqual((await server.http.get(`/api/books?q=${w}x`, bob.access)).body.items, []);
    });

    it('pages through equally ranked results by id without repeats', async () => {
      const w = uniqueWord();
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await addBook(alice, { title: `${w} omnibus`, author: 'Same Author' })).id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: { items: Array<{ id: number }>; next_cursor: string | null } } = await server.http.get(
          `/api/books?q=${w}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          bob.access,
        );
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 2);
        seen.push(...res.body.items.map((b) => b.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, ids);
      const tampered = await server.http.get(`/api/books?q=${w}&cursor=bm90LWEtY3Vyc29y`, bob.access);
      assert.equal(tampered.status, 400);
      assert.deepEqual(paths(tampered), ['cursor']);
      assert.deepEqual(paths(await server.http.get('/api/books?limit=0', bob.access)), ['limit']);
    });

    it('lets only the person who added a book change it, and search follows the change', async () => {
      const [before, after] = [uniqueWord(), uniqueWord()];
      const book = await addBook(alice, { title: `${before} draft`, category: 'Poetry' });
      const stranger = await server.http.patch(`/api/books/${book.id}`, { title: 'Mine' }, bob.access);
      assert.equal(stranger.status, 403);
      assert.equal(stranger.body.error.code, 'forbidden');
      const changed = await server.http.patch(`/api/books/${book.id}`, { title: `${after} final`, category: null }, alice.access);
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.category, null);
      assert.deepEqual((await server.http.get(`/api/books?q=${after}`, bob.access)).body.items.map((b: { id: number }) => b.id), [book.id]);
      assert.deepEqual((await server.http.get(`/api/books?q=${before}`, bob.access)).body.items, []);
      assert.deepEqual(paths(await server.http.patch(`/api/books/${book.id}`, { rating_count: 9 }, alice.access)), ['rating_count']);
      assert.equal((await server.http.patch(`/api/books/${book.id}`, {}, alice.access)).status, 400);
      assert.equal((await server.http.patch('/api/books/999999', { title: 'x' }, alice.access)).status, 404);
      assert.equal((await server.http.get('/api/books/999999', alice.access)).status, 404);
      assert.equal((await server.http.get('/api/books/abc', alice.access)).status, 404);
    });

    it('serves a cover from the creator’s own images to anyone signed in', async () => {
      const mine = await uploadedImage(alice);
      const notMine = await server.http.post('/api/books', { title: 'T', author: 'A', cover_file_id: mine.id }, bob.access);
      assert.equal(notMine.status, 400);
      assert.deepEqual(paths(notMine), ['cover_file_id']);
      const book = await addBook(alice, { cover_file_id: mine.id });
      assert.equal(book.cover_url, `/api/books/${book.id}/cover`);
      const cover = await fetch(`${server.url}${book.cover_url}`, { headers: { authorization: `Bearer ${bob.access}` } });
      assert.equal(cover.status, 200);
      assert.equal(cover.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await cover.arrayBuffer()), mine.bytes);
      assert.equal((await server.http.get(book.cover_url)).status, 401);
      const bare = await addBook(alice);
      assert.equal((await server.http.get(`/api/books/${bare.id}/cover`, bob.access)).status, 404);
    });
  });

  describe('reading list', () => {
    let cast: ClubCast;
    before(async () => {
      cast = await clubWithCast(server.http, { visibility: 'private' });
    });

    async function listIds(token: string): Promise<number[]> {
      const res = await server.http.get(`/api/clubs/${cast.clubId}/reading-list`, token);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((i: { book: { id: number } }) => i.book.id);
    }

    it('keeps books in order, once each, changed by moderators and read by everyone in the club', async () => {
      const [a, b, c] = [await addBook(alice), await addBook(alice), await addBook(bob)];
      const added = [];
      for (const book of [a, b, c]) {
        const res = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: book.id, chapters: '1-4', target_date: '2030-05-01' }, cast.moderator.access);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        added.push(res.body);
      }
      assert.deepEqual(added.map((i) => i.position), [0, 1, 2]);
      assert.equal(added[0].book.title, a.title);
      assert.deepEqual(added[0].added_by, { id: cast.moderator.id, username: cast.moderator.username });
      assert.deepEqual(await listIds(cast.guest.access), [a.id, b.id, c.id]);

      const twice = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: b.id }, cast.owner.access);
      assert.equal(twice.status, 409);
      assert.deepEqual(twice.body.error.details, { item_id: added[1].id });

      const reordered = await server.http.put(`/api/clubs/${cast.clubId}/reading-list/order`, { ids: [added[2].id, added[0].id, added[1].id] }, cast.owner.access);
      assert.equal(reordered.status, 200, JSON.stringify(reordered.body));
      assert.deepEqual(reordered.body.items.map((i: { position: number; id: number }) => [i.position, i.id]), [
        [0, added[2].id],
        [1, added[0].id],
        [2, added[1].id],
      ]);

      const changed = await server.http.patch(`/api/clubs/${cast.clubId}/reading-list/${added[0].id}`, { chapters: null, pages: '10-80', target_date: '2030-06-01' }, cast.moderator.access);
      assert.equal(changed.status, 200);
      assert.deepEqual([changed.body.chapters, changed.body.pages, changed.body.target_date], [null, '10-80', '2030-06-01']);

      assert.equal((await server.http.delete(`/api/clubs/${cast.clubId}/reading-list/${added[2].id}`, cast.moderator.access)).status, 204);
      const after = (await server.http.get(`/api/clubs/${cast.clubId}/reading-list`, cast.member.access)).body.items;
      assert.deepEqual(after.map((i: { position: number; id: number }) => [i.position, i.id]), [
        [0, added[0].id],
        [1, added[1].id],
      ]);
      // The removed book may come back, at the end.
      const back = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: c.id }, cast.moderator.access);
      assert.equal(back.body.position, 2);
    });

    it('answers 403 to roles below moderator and to outsiders, 400 with paths, 404 for other clubs’ items', async () => {
      const book = await addBook(alice);
      for (const who of [cast.notetaker, cast.member, cast.guest, cast.outsider]) {
        const res = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: book.id }, who.access);
        assert.equal(res.status, 403, who.username);
        assert.equal(res.body.error.code, 'forbidden');
      }
      assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/reading-list`, cast.outsider.access)).status, 403);

      const bad = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: '7', pages: 'p'.repeat(101), target_date: 'soon', position: 0 }, cast.moderator.access);
      assert.equal(bad.status, 400);
      assert.deepEqual(paths(bad), ['book_id', 'pages', 'position', 'target_date']);
      const missing = await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: 999_999 }, cast.moderator.access);
      assert.equal(missing.status, 400);
      assert.deepEqual(paths(missing), ['book_id']);

      const items = (await server.http.get(`/api/clubs/${cast.clubId}/reading-list`, cast.owner.access)).body.items as Array<{ id: number }>;
      const partial = await server.http.put(`/api/clubs/${cast.clubId}/reading-list/order`, { ids: items.slice(1).map((i) => i.id) }, cast.owner.access);
      assert.equal(partial.status, 400);
      assert.deepEqual(paths(partial), ['ids']);
      const repeated = await server.http.put(`/api/clubs/${cast.clubId}/reading-list/order`, { ids: [items[0]!.id, items[0]!.id] }, cast.owner.access);
      assert.deepEqual(paths(repeated), ['ids']);

      const other = await clubWithCast(server.http);
      const foreign = await server.http.post(`/api/clubs/${other.clubId}/reading-list`, { book_id: book.id }, other.owner.access);
      assert.equal(foreign.status, 201);
      assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}/reading-list/${foreign.body.id}`, { pages: '1' }, cast.owner.access)).status, 404);
      assert.equal((await server.http.delete(`/api/clubs/${cast.clubId}/reading-list/${foreign.body.id}`, cast.owner.access)).status, 404);
      const withForeign = await server.http.put(`/api/clubs/${cast.clubId}/reading-list/order`, { ids: [...items.map((i) => i.id), foreign.body.id] }, cast.owner.access);
      assert.deepEqual(paths(withForeign), ['ids']);
      assert.equal((await server.http.get(`/api/clubs/${other.clubId}/reading-list`, other.member.access)).body.items.length, 1);
    });

    it('holds at most 200 books per club, also when they are added all at once', async () => {
      const club = await clubWithCast(server.http);
      const books: Array<{ id: number }> = [];
      for (let i = 0; i < 201; i += 67) books.push(...(await Promise.all(Array.from({ length: 67 }, () => addBook(alice)))));
      const adds = await Promise.all(books.map((book) => server.http.post(`/api/clubs/${club.clubId}/reading-list`, { book_id: book.id }, club.owner.access)));
      assert.deepEqual(adds.map((r) => r.status).sort(), [...Array(200).fill(201), 409]);
      assert.match(adds.find((r) => r.status === 409)!.body.error.message, /200/);
      const list = (await server.http.get(`/api/clubs/${club.clubId}/reading-list`, club.member.access)).body.items as Array<{ position: number }>;
      assert.deepEqual(list.map((i) => i.position), Array.from({ length: 200 }, (_, i) => i));
    });
  });

  describe('reading logs', () => {
    it('moves a book’s average rating as readers rate, re-rate and delete', async () => {
      const book = await addBook(alice);
      const rating = async () => {
        const res = await server.http.get(`/api/books/${book.id}`, bob.access);
        return [res.body.rating, res.body.rating_count];
      };
      const aliceLog = await server.http.post('/api/me/reading-logs', { book_id: book.id, rating: 4, progress: 30, started_at: '2024-01-02' }, alice.access);
      assert.equal(aliceLog.status, 201, JSON.stringify(aliceLog.body));
      assert.equal(aliceLog.body.book.id, book.id);
      assert.deepEqual(await rating(), [4, 1]);
      const bobLog = await server.http.post('/api/me/reading-logs', { book_id: book.id, rating: 1 }, bob.access);
      assert.deepEqual(await rating(), [2.5, 2]);
      await server.http.patch(`/api/me/reading-logs/${aliceLog.body.id}`, { rating: 5 }, alice.access);
      assert.deepEqual(await rating(), [3, 2]);
      // Changing something else leaves the rating alone.
      await server.http.patch(`/api/me/reading-logs/${aliceLog.body.id}`, { review: 'Slow start, great ending.' }, alice.access);
      assert.deepEqual(await rating(), [3, 2]);
      await server.http.patch(`/api/me/reading-logs/${bobLog.body.id}`, { rating: null }, bob.access);
      assert.deepEqual(await rating(), [5, 1]);
      const third = await signUpAndLogin(server.http);
      await server.http.post('/api/me/reading-logs', { book_id: book.id, rating: 2 }, third.access);
      assert.deepEqual(await rating(), [3.5, 2]);
      assert.equal((await server.http.delete(`/api/me/reading-logs/${aliceLog.body.id}`, alice.access)).status, 204);
      assert.deepEqual(await rating(), [2, 1]);
      assert.equal((await server.http.get(`/api/me/reading-logs/${aliceLog.body.id}`, alice.access)).status, 404);
    });

    it('keeps logs to their reader: another reader’s log is 404, one log per book', async () => {
      const book = await addBook(alice);
      const log = await server.http.post('/api/me/reading-logs', { book_id: book.id, progress: 10 }, alice.access);
      assert.equal(log.status, 201);
      for (const res of [
        await server.http.get(`/api/me/reading-logs/${log.body.id}`, bob.access),
        await server.http.patch(`/api/me/reading-logs/${log.body.id}`, { progress: 90 }, bob.access),
        await server.http.delete(`/api/me/reading-logs/${log.body.id}`, bob.access),
      ]) {
        assert.equal(res.status, 404);
        assert.equal(res.body.error.code, 'not_found');
      }
      assert.equal((await server.http.get(`/api/me/reading-logs/${log.body.id}`, alice.access)).body.progress, 10);
      const again = await server.http.post('/api/me/reading-logs', { book_id: book.id }, alice.access);
      assert.equal(again.status, 409);
      assert.deepEqual(again.body.error.details, { log_id: log.body.id });
    });

    it('refuses bad logs with their paths', async () => {
      const book = await addBook(alice);
      const bad = await server.http.post(
        '/api/me/reading-logs',
        { book_id: book.id, progress: 101, rating: 6, review: 'r'.repeat(5001), started_at: '2024-05-02', finished_at: '2024-05-01', mood: 'great' },
        alice.access,
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(paths(bad), ['finished_at', 'mood', 'progress', 'rating', 'review']);
      assert.deepEqual(paths(await server.http.post('/api/me/reading-logs', { book_id: 999_999 }, alice.access)), ['book_id']);
      const strangerClub = await clubWithCast(server.http);
      assert.deepEqual(paths(await server.http.post('/api/me/reading-logs', { book_id: book.id, club_id: strangerClub.clubId }, alice.access)), ['club_id']);
      assert.deepEqual(paths(await server.http.post('/api/me/reading-logs', { book_id: book.id, finished_at: addDays(utcDay(), 3) }, alice.access)), ['finished_at']);

      const log = await server.http.post('/api/me/reading-logs', { book_id: book.id, started_at: '2024-05-01', finished_at: '2024-05-10' }, alice.access);
      assert.equal(log.status, 201);
      // Checked against the stored dates too.
      const late = await server.http.patch(`/api/me/reading-logs/${log.body.id}`, { started_at: '2024-06-01' }, alice.access);
      assert.equal(late.status, 400);
      assert.deepEqual(paths(late), ['started_at']);
      assert.equal((await server.http.patch(`/api/me/reading-logs/${log.body.id}`, { finished_at: null, started_at: '2024-06-01' }, alice.access)).status, 200);
    });

    it('lists my logs newest first, page by page', async () => {
      const reader = await signUpAndLogin(server.http);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) ids.push((await server.http.post('/api/me/reading-logs', { book_id: (await addBook(alice)).id }, reader.access)).body.id);
      const first = await server.http.get('/api/me/reading-logs?limit=2', reader.access);
      assert.deepEqual(first.body.items.map((l: { id: number }) => l.id), [ids[2], ids[1]]);
      const second = await server.http.get(`/api/me/reading-logs?limit=2&cursor=${first.body.next_cursor}`, reader.access);
      assert.deepEqual(second.body.items.map((l: { id: number }) => l.id), [ids[0]]);
      assert.equal(second.body.next_cursor, null);
    });

    it('shows members where they are in the reading list books, to members only (private club)', async () => {
      const cast = await clubWithCast(server.http, { visibility: 'private' });
      const [listed, unlisted] = [await addBook(alice), await addBook(alice)];
      await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: listed.id }, cast.owner.access);
      const memberLog = await server.http.post('/api/me/reading-logs', { book_id: listed.id, club_id: cast.clubId, progress: 40, review: 'private thoughts' }, cast.member.access);
      assert.equal(memberLog.status, 201, JSON.stringify(memberLog.body));
      await server.http.post('/api/me/reading-logs', { book_id: listed.id, progress: 75 }, cast.notetaker.access);
      await server.http.post('/api/me/reading-logs', { book_id: unlisted.id, progress: 5 }, cast.member.access);
      await server.http.post('/api/me/reading-logs', { book_id: listed.id, progress: 99 }, cast.outsider.access);

      const res = await server.http.get(`/api/clubs/${cast.clubId}/reading-logs`, cast.member.access);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.items.map((l: { user: { id: number }; progress: number; book_id: number }) => [l.user.id, l.book_id, l.progress]),
        [
          [cast.member.id, listed.id, 40],
          [cast.notetaker.id, listed.id, 75],
        ],
      );
      assert.equal(JSON.stringify(res.body).includes('private thoughts'), false);
      for (const who of [cast.guest, cast.outsider]) assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/reading-logs`, who.access)).status, 403);
      // Someone who leaves the club drops out of its view.
      assert.equal((await server.http.post(`/api/clubs/${cast.clubId}/leave`, undefined, cast.notetaker.access)).status, 204);
      const after = await server.http.get(`/api/clubs/${cast.clubId}/reading-logs?book_id=${listed.id}`, cast.owner.access);
      assert.deepEqual(after.body.items.map((l: { user: { id: number } }) => l.user.id), [cast.member.id]);
    });

    it('keeps members\u2019 progress and ratings from outsiders and guests of a public club', async () => {
      const cast = await clubWithCast(server.http, { visibility: 'public' });
      const book = await addBook(alice);
      await server.http.post(`/api/clubs/${cast.clubId}/reading-list`, { book_id: book.id }, cast.owner.access);
      assert.equal((await server.http.post('/api/me/reading-logs', { book_id: book.id, rating: 1 }, cast.member.access)).status, 201);
      // The member list of a public club is open to all; individual ratings are not.
      assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/members`, cast.outsider.access)).status, 200);
      for (const who of [cast.outsider, cast.guest]) {
        const res = await server.http.get(`/api/clubs/${cast.clubId}/reading-logs`, who.access);
        assert.equal(res.status, 403, JSON.stringify(res.body));
      }
      const members = await server.http.get(`/api/clubs/${cast.clubId}/reading-logs`, cast.notetaker.access);
      assert.deepEqual(members.body.items.map((l: { user: { id: number }; rating: number }) => [l.user.id, l.rating]), [[cast.member.id, 1]]);
    });
  });

  describe('reading days and streaks', () => {
    const today = utcDay();
    const day = (offset: number) => addDays(today, offset);

    async function record(who: TestAccount, body: Record<string, unknown>) {
      return server.http.post('/api/me/reading-days', body, who.access);
    }

    it('counts the current streak ending yesterday or today, and the longest across gaps', async () => {
      const reader = await signUpAndLogin(server.http);
      assert.deepEqual((await server.http.get('/api/me', reader.access)).body.reading_streak, { current: 0, longest: 0, last_day: null });
      for (const offset of [-12, -9, -8, -7, -6, -3, -2, -1]) assert.equal((await record(reader, { day: day(offset) })).status, 201);
      assert.deepEqual((await server.http.get('/api/me', reader.access)).body.reading_streak, { current: 3, longest: 4, last_day: day(-1) });

      const todayRes = await record(reader, { minutes: 25 });
      assert.equal(todayRes.status, 201);
      assert.deepEqual(todayRes.body, { day: today, minutes: 25, streak: { current: 4, longest: 4, last_day: today } });
      // The same day again adds minutes and changes nothing else.
      const again = await record(reader, { day: today, minutes: 20 });
      assert.equal(again.status, 200);
      assert.equal(again.body.minutes, 45);
      assert.deepEqual(again.body.streak, { current: 4, longest: 4, last_day: today });
      assert.equal((await record(reader, { minutes: 1440 })).body.minutes, 1440);

      // Others see it on the public profile.
      assert.deepEqual((await server.http.get(`/api/users/${reader.id}`, alice.access)).body.reading_streak, { current: 4, longest: 4, last_day: today });
    });

    it('drops the current streak after a missed day, keeping the longest', async () => {
      const reader = await signUpAndLogin(server.http);
      for (const offset of [-5, -4, -3, -2]) await record(reader, { day: day(offset) });
      assert.deepEqual((await server.http.get(`/api/users/${reader.id}`, bob.access)).body.reading_streak, { current: 0, longest: 4, last_day: day(-2) });
    });

    it('accepts tomorrow for time zones ahead of UTC, nothing later, nothing before 2000', async () => {
      const reader = await signUpAndLogin(server.http);
      const tomorrow = await record(reader, { day: day(1) });
      assert.equal(tomorrow.status, 201);
      assert.deepEqual(tomorrow.body.streak, { current: 1, longest: 1, last_day: day(1) });
      for (const [body, field] of [
        [{ day: day(2) }, 'day'],
        [{ day: '1999-12-31' }, 'day'],
        [{ day: '2024-02-30' }, 'day'],
        [{ minutes: 1441 }, 'minutes'],
        [{ minutes: -1 }, 'minutes'],
        [{ hours: 2 }, 'hours'],
      ] as const) {
        const res = await record(reader, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(paths(res), [field]);
      }
      assert.equal((await record(reader, { day: '2000-01-01' })).status, 201);
    });

    it('counts a day when a reading log’s progress moves', async () => {
      const reader = await signUpAndLogin(server.http);
      const log = await server.http.post('/api/me/reading-logs', { book_id: (await addBook(alice)).id }, reader.access);
      assert.equal((await server.http.get('/api/me', reader.access)).body.reading_streak.current, 0);
      await server.http.patch(`/api/me/reading-logs/${log.body.id}`, { progress: 12 }, reader.access);
      assert.deepEqual((await server.http.get('/api/me', reader.access)).body.reading_streak, { current: 1, longest: 1, last_day: today });
    });
  });
});
