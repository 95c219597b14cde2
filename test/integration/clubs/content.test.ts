import assert from 'node:assert/strict';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { admit, clubWithCast, createClub, type ClubCast } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function pathsOf(res: HttpResponse): string[] {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'validation_failed');
  // A field may fail more than one check; each path is named once here.
  return [...new Set<string>(res.body.error.details.map((d: { path: string }) => d.path))].sort();
}

describe('club content: notices, rules, goals, seasons and dues', () => {
  let server: TestServer;
  let cast: ClubCast;
  let other: ClubCast;
  before(async () => {
    server = await startTestServer();
    [cast, other] = await Promise.all([clubWithCast(server.http), clubWithCast(server.http)]);
  });
  after(() => server.close());

  const url = (clubId: number, path: string) => `/api/clubs/${clubId}${path}`;

  describe('notices', () => {
    it('lists pinned notices first, then in the order moderators set', async () => {
      const { clubId, moderator, member } = cast;
      const post = (title: string, pinned = false) => server.http.post(url(clubId, '/notices'), { title, body: `About ${title}`, pinned }, moderator.access);
      const a = (await post('Bring snacks')).body;
      const b = (await post('Next book: Middlemarch', true)).body;
      const c = await post('Room change');
      assert.equal(c.status, 201);
      assert.equal(c.body.author.id, moderator.id);
      assert.equal(c.body.pinned, false);
      const titles = async () => (await server.http.get(url(clubId, '/notices'), member.access)).body.items.map((n: { title: string }) => n.title);
      assert.deepEqual(await titles(), ['Next book: Middlemarch', 'Bring snacks', 'Room change']);

      const reordered = await server.http.put(url(clubId, '/notices/order'), { ids: [c.body.id, b.id, a.id] }, moderator.access);
      assert.equal(reordered.status, 200, JSON.stringify(reordered.body));
      assert.deepEqual(reordered.body.items.map((n: { id: number }) => n.id), [b.id, c.body.id, a.id]);
      // Unpinning drops it back among the others, at its set place.
      const unpinned = await server.http.patch(url(clubId, `/notices/${b.id}`), { pinned: false, title: 'Next book: Middlemarch (vol. 1)' }, moderator.access);
      assert.equal(unpinned.status, 200);
      assert.equal(unpinned.body.body, 'About Next book: Middlemarch');
      assert.deepEqual(await titles(), ['Room change', 'Next book: Middlemarch (vol. 1)', 'Bring snacks']);

      assert.equal((await server.http.delete(url(clubId, `/notices/${c.body.id}`), moderator.access)).status, 204);
      assert.deepEqual(await titles(), ['Next book: Middlemarch (vol. 1)', 'Bring snacks']);
      assert.equal((await server.http.delete(url(clubId, `/notices/${c.body.id}`), moderator.access)).status, 404);
    });

    it('accepts a new order only when it lists exactly the club’s notices', async () => {
      const { clubId, owner } = cast;
      const ids = (await server.http.get(url(clubId, '/notices'), owner.access)).body.items.map((n: { id: number }) => n.id) as number[];
      assert.ok(ids.length >= 2);
      const foreign = (await server.http.post(url(other.clubId, '/notices'), { title: 'Elsewhere' }, other.owner.access)).body.id;
      for (const wrong of [ids.slice(1), [...ids, ids[0]], [...ids.slice(1), foreign], [...ids, foreign], []]) {
        assert.deepEqual(pathsOf(await server.http.put(url(clubId, '/notices/order'), { ids: wrong }, owner.access)), ['ids']);
      }
      assert.deepEqual(pathsOf(await server.http.put(url(clubId, '/notices/order'), { ids: ['x'], also: true }, owner.access)), ['also', 'ids.0']);
      assert.deepEqual((await server.http.get(url(clubId, '/notices'), owner.access)).body.items.map((n: { id: number }) => n.id), ids);
    });

    it('refuses over-long fields, wrong types and unknown fields with their paths', async () => {
      const { clubId, owner } = cast;
      const res = await server.http.post(url(clubId, '/notices'), { title: 't'.repeat(151), body: 'b'.repeat(5001), pinned: 'yes', colour: 'red' }, owner.access);
      assert.deepEqual(pathsOf(res), ['body', 'colour', 'pinned', 'title']);
      assert.deepEqual(pathsOf(await server.http.post(url(clubId, '/notices'), { title: '   ' }, owner.access)), ['title']);
      const id = (await server.http.post(url(clubId, '/notices'), { title: 'Fine' }, owner.access)).body.id;
      assert.equal(pathsOf(await server.http.patch(url(clubId, `/notices/${id}`), {}, owner.access)).length, 1);
      assert.deepEqual(pathsOf(await server.http.patch(url(clubId, `/notices/${id}`), { position: 3 }, owner.access)), ['position']);
      assert.equal((await server.http.delete(url(clubId, `/notices/${id}`), owner.access)).status, 204);
    });

    it('lets everyone in the club read but only moderators and the owner write', async () => {
      const { clubId, owner, moderator, notetaker, member, guest, outsider } = cast;
      for (const reader of [owner, moderator, notetaker, member, guest, outsider]) {
        assert.equal((await server.http.get(url(clubId, '/notices'), reader.access)).status, 200, reader.username);
      }
      for (const writer of [notetaker, member, guest, outsider]) {
        const res = await server.http.post(url(clubId, '/notices'), { title: 'Mine' }, writer.access);
        assert.equal(res.status, 403, writer.username);
        assert.equal(res.body.error.code, 'forbidden');
      }
      const id = (await server.http.get(url(clubId, '/notices'), owner.access)).body.items[0].id;
      assert.equal((await server.http.patch(url(clubId, `/notices/${id}`), { pinned: true }, member.access)).status, 403);
      assert.equal((await server.http.delete(url(clubId, `/notices/${id}`), notetaker.access)).status, 403);
      assert.equal((await server.http.put(url(clubId, '/notices/order'), { ids: [id] }, member.access)).status, 403);
      assert.equal((await server.http.get(url(clubId, '/notices'))).status, 401);
    });

    it('hides a private club’s notices from outsiders', async () => {
      const privateCast = await clubWithCast(server.http, { visibility: 'private' });
      assert.equal((await server.http.get(url(privateCast.clubId, '/notices'), privateCast.outsider.access)).status, 403);
      assert.equal((await server.http.get(url(privateCast.clubId, '/notices'), privateCast.guest.access)).status, 200);
    });

    it('answers 404 for a notice of another club', async () => {
      const foreign = (await server.http.post(url(other.clubId, '/notices'), { title: 'Theirs' }, other.owner.access)).body.id;
      assert.equal((await server.http.patch(url(cast.clubId, `/notices/${foreign}`), { title: 'Ours now' }, cast.owner.access)).status, 404);
      assert.equal((await server.http.delete(url(cast.clubId, `/notices/${foreign}`), cast.owner.access)).status, 404);
      assert.equal((await server.http.patch(url(cast.clubId, '/notices/abc'), { title: 'x' }, cast.owner.access)).status, 404);
      const theirs = (await server.http.get(url(other.clubId, '/notices'), other.owner.access)).body.items.find((n: { id: number }) => n.id === foreign);
      assert.equal(theirs.title, 'Theirs');
      assert.equal((await server.http.get(url(999_999, '/notices'), cast.owner.access)).status, 404);
    });

    it('keeps at most 200 notices per club, even when they arrive all at once', async () => {
      const club = await createClub(server.http, cast.owner, { title: 'Busy board' });
      const results = await Promise.all(Array.from({ length: 205 }, (_, i) => server.http.post(url(club.id, '/notices'), { title: `Notice ${i}` }, cast.owner.access)));
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 200);
      assert.equal(statuses.filter((s) => s === 409).length, 5);
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'conflict'));
      const list = (await server.http.get(url(club.id, '/notices'), cast.owner.access)).body.items as Array<{ position: number }>;
      assert.equal(list.length, 200);
      assert.equal(new Set(list.map((n) => n.position)).size, 200);
    });
  });

  describe('rules', () => {
    it('replaces the whole list at once and keeps its order', async () => {
      const { clubId, moderator, guest } = cast;
      const put = await server.http.put(url(clubId, '/rules'), { rules: [{ text: 'Read the chapter' }, { text: ' No spoilers ' }, { text: 'Be kind' }] }, moderator.access);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(put.body.items.map((r: { text: string }) => r.text), ['Read the chapter', 'No spoilers', 'Be kind']);
      const read = await server.http.get(url(clubId, '/rules'), guest.access);
      assert.deepEqual(read.body.items, put.body.items);

      // One bad rule and nothing changes.
      const bad = await server.http.put(url(clubId, '/rules'), { rules: [{ text: 'Fine' }, { text: 'x'.repeat(501) }, { text: '' }, { text: 'ok', bold: true }] }, moderator.access);
      assert.deepEqual(pathsOf(bad), ['rules.1.text', 'rules.2.text', 'rules.3.bold']);
      const tooMany = await server.http.put(url(clubId, '/rules'), { rules: Array.from({ length: 51 }, (_, i) => ({ text: `Rule ${i}` })) }, moderator.access);
      assert.deepEqual(pathsOf(tooMany), ['rules']);
      assert.deepEqual((await server.http.get(url(clubId, '/rules'), guest.access)).body.items, put.body.items);

      const replaced = await server.http.put(url(clubId, '/rules'), { rules: [{ text: 'Only this' }] }, moderator.access);
      assert.deepEqual(replaced.body.items.map((r: { text: string }) => r.text), ['Only this']);
      assert.deepEqual((await server.http.put(url(clubId, '/rules'), { rules: [] }, moderator.access)).body.items, []);
    });

    it('adds a rule at the end and closes the gap when one is deleted', async () => {
      const { clubId, owner } = cast;
      await server.http.put(url(clubId, '/rules'), { rules: [{ text: 'One' }, { text: 'Two' }] }, owner.access);
      const three = await server.http.post(url(clubId, '/rules'), { text: 'Three' }, owner.access);
      assert.equal(three.status, 201);
      const items = (await server.http.get(url(clubId, '/rules'), owner.access)).body.items as Array<{ id: number; text: string; position: number }>;
      assert.deepEqual(items.map((r) => r.text), ['One', 'Two', 'Three']);
      assert.equal((await server.http.delete(url(clubId, `/rules/${items[0]!.id}`), owner.access)).status, 204);
      const after = (await server.http.get(url(clubId, '/rules'), owner.access)).body.items as Array<{ text: string; position: number }>;
      assert.deepEqual(after.map((r) => [r.position, r.text]), [[0, 'Two'], [1, 'Three']]);
      // A rule id from another club is not found here.
      const theirs = (await server.http.post(url(other.clubId, '/rules'), { text: 'Theirs' }, other.owner.access)).body.id;
      assert.equal((await server.http.delete(url(clubId, `/rules/${theirs}`), owner.access)).status, 404);
      assert.deepEqual((await server.http.get(url(other.clubId, '/rules'), other.owner.access)).body.items.map((r: { text: string }) => r.text), ['Theirs']);
    });

    it('refuses a 51st rule and writes by members', async () => {
      const club = await createClub(server.http, cast.owner, { title: 'Strict club' });
      await server.http.put(url(club.id, '/rules'), { rules: Array.from({ length: 50 }, (_, i) => ({ text: `Rule ${i}` })) }, cast.owner.access);
      assert.equal((await server.http.post(url(club.id, '/rules'), { text: 'One more' }, cast.owner.access)).status, 409);
      const { clubId, notetaker, member } = cast;
      assert.equal((await server.http.put(url(clubId, '/rules'), { rules: [] }, member.access)).status, 403);
      assert.equal((await server.http.post(url(clubId, '/rules'), { text: 'Mine' }, notetaker.access)).status, 403);
    });
  });

  describe('goals', () => {
    const goal = (over: Record<string, unknown> = {}) => ({ type: 'homework', title: 'Chapters 1-3', explanation: 'Take notes', starts_on: '2026-05-01', ends_on: '2026-05-07', ...over });

    it('creates, changes and deletes goals, refusing bad dates with their paths', async () => {
      const { clubId, moderator } = cast;
      const created = await server.http.post(url(clubId, '/goals'), goal(), moderator.access);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        { type: created.body.type, starts_on: created.body.starts_on, ends_on: created.body.ends_on, done: created.body.done, done_by: created.body.done_by },
        { type: 'homework', starts_on: '2026-05-01', ends_on: '2026-05-07', done: false, done_by: null },
      );
      assert.deepEqual(pathsOf(await server.http.post(url(clubId, '/goals'), goal({ ends_on: '2026-04-30' }), moderator.access)), ['ends_on']);
      assert.deepEqual(pathsOf(await server.http.post(url(clubId, '/goals'), goal({ starts_on: '2026-02-30' }), moderator.access)), ['starts_on']);
      assert.deepEqual(
        pathsOf(await server.http.post(url(clubId, '/goals'), { type: 'chore', title: 't'.repeat(151), explanation: 'e'.repeat(5001), starts_on: '2026-05-01', ends_on: '2026-05-02', done: true }, moderator.access)),
        ['done', 'explanation', 'title', 'type'],
      );
      assert.deepEqual(pathsOf(await server.http.post(url(clubId, '/goals'), { title: 'No type' }, moderator.access)), ['type']);

      const id = created.body.id as number;
      // Moving one date past the stored other one is refused, naming the field sent.
      assert.deepEqual(pathsOf(await server.http.patch(url(clubId, `/goals/${id}`), { starts_on: '2026-05-08' }, moderator.access)), ['starts_on']);
      assert.deepEqual(pathsOf(await server.http.patch(url(clubId, `/goals/${id}`), { ends_on: '2026-04-01' }, moderator.access)), ['ends_on']);
      const moved = await server.http.patch(url(clubId, `/goals/${id}`), { starts_on: '2026-05-08', ends_on: '2026-05-14', type: 'sub_goal' }, moderator.access);
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual([moved.body.type, moved.body.starts_on, moved.body.ends_on, moved.body.title], ['sub_goal', '2026-05-08', '2026-05-14', 'Chapters 1-3']);
      assert.equal((await server.http.delete(url(clubId, `/goals/${id}`), moderator.access)).status, 204);
      assert.equal((await server.http.patch(url(clubId, `/goals/${id}`), { title: 'Gone' }, moderator.access)).status, 404);
    });

    it('creates goals without dates (missing, null or blank), lists them after dated ones, and still orders dates given', async () => {
      const club = await createClub(server.http, cast.owner, { title: 'Open-ended' });
      const made: Array<{ id: number; starts_on: string | null; ends_on: string | null }> = [];
      for (const dates of [{}, { starts_on: null, ends_on: null }, { starts_on: '', ends_on: '' }, { starts_on: '2026-06-01' }, { ends_on: '2026-06-30' }, { starts_on: '2026-05-01', ends_on: '' }]) {
        const res = await server.http.post(url(club.id, '/goals'), { type: 'other', title: `Undated ${made.length}`, ...dates }, cast.owner.access);
        assert.equal(res.status, 201, `${JSON.stringify(dates)}: ${JSON.stringify(res.body)}`);
        made.push(res.body);
      }
      assert.deepEqual(
        made.map((g) => [g.starts_on, g.ends_on]),
        [[null, null], [null, null], [null, null], ['2026-06-01', null], [null, '2026-06-30'], ['2026-05-01', null]],
      );
      // End before start is still refused when both are given, at creation and by a change.
      assert.deepEqual(pathsOf(await server.http.post(url(club.id, '/goals'), { type: 'other', title: 'Backwards', starts_on: '2026-05-02', ends_on: '2026-05-01' }, cast.owner.access)), ['ends_on']);
      const started = made[3] as { id: number };
      assert.deepEqual(pathsOf(await server.http.patch(url(club.id, `/goals/${started.id}`), { ends_on: '2026-05-31' }, cast.owner.access)), ['ends_on']);
      // A date can be cleared again.
      const cleared = await server.http.patch(url(club.id, `/goals/${started.id}`), { starts_on: null }, cast.owner.access);
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.equal(cleared.body.starts_on, null);
      const set = await server.http.patch(url(club.id, `/goals/${started.id}`), { ends_on: '2026-05-31' }, cast.owner.access);
      assert.equal(set.status, 200, JSON.stringify(set.body));
      // Pages of two walk every goal once: dated by start first, then the undated by id.
      const seen: Array<number> = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: HttpResponse = await server.http.get(url(club.id, `/goals?limit=2${cursor ? `&cursor=${cursor}` : ''}`), cast.owner.access);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...page.body.items.map((g: { id: number }) => g.id));
        cursor = page.body.next_cursor;
      }
      const ids = made.map((g) => g.id);
      assert.deepEqual(seen, [ids[5], ids[0], ids[1], ids[2], ids[3], ids[4]]);
    });

    it('lets members mark goals done, but only moderators set them', async () => {
      const { clubId, owner, member, guest, notetaker } = cast;
      const id = (await server.http.post(url(clubId, '/goals'), goal({ type: 'meeting', title: 'Discuss part 1' }), owner.access)).body.id;
      assert.equal((await server.http.post(url(clubId, '/goals'), goal(), member.access)).status, 403);
      assert.equal((await server.http.patch(url(clubId, `/goals/${id}`), { title: 'Mine' }, notetaker.access)).status, 403);
      assert.equal((await server.http.delete(url(clubId, `/goals/${id}`), member.access)).status, 403);
      assert.equal((await server.http.post(url(clubId, `/goals/${id}/done`), { done: true }, guest.access)).status, 403);

      const done = await server.http.post(url(clubId, `/goals/${id}/done`), { done: true }, member.access);
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.done, true);
      assert.deepEqual(done.body.done_by, { id: member.id, username: member.username });
      assert.ok(done.body.done_at);
      // Marking it done again keeps who finished it first.
      const again = await server.http.post(url(clubId, `/goals/${id}/done`), { done: true }, owner.access);
      assert.deepEqual([again.body.done_by.id, again.body.done_at], [member.id, done.body.done_at]);
      const undone = await server.http.post(url(clubId, `/goals/${id}/done`), { done: false }, member.access);
      assert.deepEqual([undone.body.done, undone.body.done_at, undone.body.done_by], [false, null, null]);
      assert.deepEqual(pathsOf(await server.http.post(url(clubId, `/goals/${id}/done`), { done: 'yes' }, member.access)), ['done']);
      const foreign = (await server.http.post(url(other.clubId, '/goals'), goal(), other.owner.access)).body.id;
      assert.equal((await server.http.post(url(clubId, `/goals/${foreign}/done`), { done: true }, member.access)).status, 404);
      assert.equal((await server.http.delete(url(clubId, `/goals/${foreign}`), owner.access)).status, 404);
    });

    it('lists goals by start date, filtered by type and done, a page at a time', async () => {
      const club = await createClub(server.http, cast.owner, { title: 'Planners' });
      const plan: Array<[string, string]> = [
        ['homework', '2026-03-05'],
        ['meeting', '2026-03-01'],
        ['homework', '2026-03-01'],
        ['other', '2026-03-10'],
        ['homework', '2026-03-02'],
      ];
      const ids: number[] = [];
      for (const [type, startsOn] of plan) {
        ids.push((await server.http.post(url(club.id, '/goals'), goal({ type, title: `${type} ${startsOn}`, starts_on: startsOn, ends_on: '2026-03-31' }), cast.owner.access)).body.id);
      }
      await server.http.post(url(club.id, `/goals/${ids[4]}/done`), { done: true }, cast.owner.access);

      const walk = async (query: string) => {
        const titles: string[] = [];
        let cursor: string | null = '';
        while (cursor !== null) {
          const res: HttpResponse = await server.http.get(url(club.id, `/goals?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`), cast.owner.access);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.ok(res.body.items.length <= 2);
          titles.push(...res.body.items.map((g: { title: string }) => g.title));
          cursor = res.body.next_cursor;
        }
        return titles;
      };
      assert.deepEqual(await walk(''), ['meeting 2026-03-01', 'homework 2026-03-01', 'homework 2026-03-02', 'homework 2026-03-05', 'other 2026-03-10']);
      assert.deepEqual(await walk('&type=homework'), ['homework 2026-03-01', 'homework 2026-03-02', 'homework 2026-03-05']);
      assert.deepEqual(await walk('&type=homework&done=false'), ['homework 2026-03-01', 'homework 2026-03-05']);
      assert.deepEqual(await walk('&done=true'), ['homework 2026-03-02']);
      assert.deepEqual(pathsOf(await server.http.get(url(club.id, '/goals?type=chore&done=maybe&limit=500'), cast.owner.access)), ['done', 'limit', 'type']);
      assert.deepEqual(pathsOf(await server.http.get(url(club.id, '/goals?cursor=nonsense'), cast.owner.access)), ['cursor']);
      assert.deepEqual((await server.http.get(url(other.clubId, '/goals?type=meeting'), other.owner.access)).body.items, []);
    });
  });

  describe('seasons and dues', () => {
    let study: ClubCast;
    before(async () => {
      study = await clubWithCast(server.http, { kind: 'study', title: 'Algorithms', entrance_fee: 5000 });
    });

    const total = async () => (await server.http.get(`/api/clubs/${study.clubId}`, study.owner.access)).body.study.total_money;

    it('answers 409 on a book club', async () => {
      const { clubId, owner } = cast;
      for (const res of [
        await server.http.get(url(clubId, '/seasons'), owner.access),
        await server.http.post(url(clubId, '/seasons'), undefined, owner.access),
        await server.http.get(url(clubId, '/seasons/1/dues'), owner.access),
        await server.http.get(url(clubId, '/seasons/1/dues/me'), owner.access),
        await server.http.put(url(clubId, `/seasons/1/dues/${cast.member.id}`), { paid: true, amount: 100 }, owner.access),
      ]) {
        assert.equal(res.status, 409, JSON.stringify(res.body));
        assert.match(res.body.error.message, /study groups only/);
      }
    });

    it('records dues per member and keeps the club total equal to the paid ones', async () => {
      const { clubId, owner, moderator, notetaker, member } = study;
      const due = (userId: number, body: Record<string, unknown>) => server.http.put(url(clubId, `/seasons/1/dues/${userId}`), body, owner.access);
      const paid = await due(member.id, { paid: true, amount: 5000, paid_on: '2026-04-02' });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.deepEqual(
        { paid: paid.body.paid, amount: paid.body.amount, paid_on: paid.body.paid_on, recorded_by: paid.body.recorded_by, season: paid.body.season },
        { paid: true, amount: 5000, paid_on: '2026-04-02', recorded_by: { id: owner.id, username: owner.username }, season: 1 },
      );
      const today = new Date().toISOString().slice(0, 10);
      assert.equal((await due(moderator.id, { paid: true, amount: 3000 })).body.paid_on, today);
      assert.equal((await due(notetaker.id, { paid: false, amount: 5000 })).body.paid_on, null);
      assert.equal(await total(), 8000);

      const list = await server.http.get(url(clubId, '/seasons/1/dues'), moderator.access);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.equal(list.body.season_total, 8000);
      assert.equal(list.body.total_money, 8000);
      const byUser = new Map(list.body.items.map((e: { user: { id: number } }) => [e.user.id, e]));
      assert.deepEqual([...byUser.keys()].sort(), [owner.id, moderator.id, notetaker.id, member.id].sort());
      assert.deepEqual(byUser.get(owner.id), { user: { id: owner.id, username: owner.username, nickname: null }, season: 1, paid: false, amount: 0, paid_on: null, recorded_by: null, recorded_at: null });

      // Correcting a record moves the total with it.
      await due(member.id, { paid: false, amount: 5000 });
      assert.equal(await total(), 3000);
      await due(member.id, { paid: true, amount: 4500 });
      assert.equal(await total(), 7500);

      const mine = await server.http.get(url(clubId, '/seasons/1/dues/me'), member.access);
      assert.equal(mine.status, 200);
      assert.deepEqual([mine.body.user.id, mine.body.paid, mine.body.amount], [member.id, true, 4500]);
    });

    it('keeps each role to its part of the money', async () => {
      const { clubId, moderator, notetaker, member, guest, outsider } = study;
      assert.equal((await server.http.get(url(clubId, '/seasons/1/dues'), member.access)).status, 403);
      assert.equal((await server.http.get(url(clubId, '/seasons/1/dues'), notetaker.access)).status, 403);
      assert.equal((await server.http.get(url(clubId, '/seasons/1/dues/me'), guest.access)).status, 403);
      assert.equal((await server.http.get(url(clubId, '/seasons/1/dues/me'), outsider.access)).status, 403);
      assert.equal((await server.http.put(url(clubId, `/seasons/1/dues/${member.id}`), { paid: true, amount: 1 }, moderator.access)).status, 403);
      assert.equal((await server.http.post(url(clubId, '/seasons'), undefined, moderator.access)).status, 403);
      assert.equal((await server.http.get(url(clubId, '/seasons'), guest.access)).status, 200);
    });

    it('refuses bad dues, non-members and seasons that have not started', async () => {
      const { clubId, owner, member, guest, outsider } = study;
      const put = (path: string, body: unknown) => server.http.put(url(clubId, path), body, owner.access);
      assert.deepEqual(pathsOf(await put(`/seasons/1/dues/${member.id}`, { paid: 'yes', amount: -1, paid_on: 'soon', tip: 5 })), ['amount', 'paid', 'paid_on', 'tip']);
      assert.deepEqual(pathsOf(await put(`/seasons/1/dues/${member.id}`, { paid: true, amount: 1.5 })), ['amount']);
      assert.deepEqual(pathsOf(await put(`/seasons/1/dues/${member.id}`, { paid: false, amount: 10, paid_on: '2026-04-01' })), ['paid_on']);
      assert.equal((await put(`/seasons/1/dues/${outsider.id}`, { paid: true, amount: 10 })).status, 404);
      assert.equal((await put(`/seasons/1/dues/${guest.id}`, { paid: true, amount: 10 })).status, 404);
      assert.equal((await put(`/seasons/1/dues/${other.member.id}`, { paid: true, amount: 10 })).status, 404);
      assert.equal((await put(`/seasons/9/dues/${member.id}`, { paid: true, amount: 10 })).status, 404);
      assert.equal((await server.http.get(url(clubId, '/seasons/9/dues'), owner.access)).status, 404);
      assert.equal((await server.http.get(url(clubId, '/seasons/9/dues/me'), member.access)).status, 404);
      assert.equal((await server.http.get(url(clubId, '/seasons/0/dues'), owner.access)).status, 404);
      assert.equal(await total(), 7500);
    });

    it('starts a new season with nobody paid, and keeps counting the old one', async () => {
      const { clubId, owner, member } = study;
      const before = await server.http.get(url(clubId, '/seasons'), member.access);
      assert.deepEqual(before.body.items.map((s: { season: number; ended_at: string | null }) => [s.season, s.ended_at]), [[1, null]]);
      const next = await server.http.post(url(clubId, '/seasons'), undefined, owner.access);
      assert.equal(next.status, 201, JSON.stringify(next.body));
      assert.equal(next.body.season, 2);
      assert.equal(next.body.ended_at, null);

      const seasons = (await server.http.get(url(clubId, '/seasons'), member.access)).body.items as Array<{ season: number; started_at: string; ended_at: string | null }>;
      assert.deepEqual(seasons.map((s) => s.season), [1, 2]);
      assert.equal(seasons[0]!.started_at, before.body.items[0].started_at);
      assert.equal(seasons[0]!.ended_at, next.body.started_at);
      const club = (await server.http.get(`/api/clubs/${clubId}`, owner.access)).body;
      assert.equal(club.study.season, 2);
      assert.equal(club.study.renewed_at, next.body.started_at);

      const fresh = await server.http.get(url(clubId, '/seasons/2/dues'), owner.access);
      assert.ok(fresh.body.items.every((e: { paid: boolean }) => !e.paid));
      assert.deepEqual([fresh.body.season_total, fresh.body.total_money], [0, 7500]);
      await server.http.put(url(clubId, `/seasons/2/dues/${member.id}`), { paid: true, amount: 5000 }, owner.access);
      // A late payment for the closed season still counts.
      await server.http.put(url(clubId, `/seasons/1/dues/${study.notetaker.id}`), { paid: true, amount: 5000 }, owner.access);
      assert.equal(await total(), 17_500);
      assert.equal((await server.http.get(url(clubId, '/seasons/1/dues'), owner.access)).body.season_total, 12_500);
      assert.equal((await server.http.get(url(clubId, '/seasons/2/dues/me'), member.access)).body.amount, 5000);
    });

    it('adds up parallel dues records exactly', async () => {
      const club = await createClub(server.http, study.owner, { kind: 'study', title: 'Crowded', max_members: 10 });
      const people = await Promise.all(Array.from({ length: 6 }, () => signUpAndLogin(server.http)));
      for (const person of people) await admit(server.http, club.id, study.owner, person);
      const results = await Promise.all(people.map((p, i) => server.http.put(url(club.id, `/seasons/1/dues/${p.id}`), { paid: true, amount: 100 * (i + 1) }, study.owner.access)));
      assert.ok(results.every((r) => r.status === 200));
      assert.equal((await server.http.get(`/api/clubs/${club.id}`, study.owner.access)).body.study.total_money, 2100);
    });
  });

  it('describes the content endpoints and their responses in the OpenAPI document', async () => {
    const doc = (await server.http.get('/api/openapi.json')).body;
    const list = doc.paths['/api/clubs/{clubId}/notices'].get;
    assert.equal(list['x-permission'], 'content.read');
    assert.ok(list.responses['200'].content['application/json'].schema.properties.items);
    assert.equal(doc.paths['/api/clubs/{clubId}/notices'].post.requestBody.content['application/json'].schema.properties.title.maxLength, 150);
    assert.equal(doc.paths['/api/clubs/{clubId}/seasons/{season}/dues/{userId}'].put['x-permission'], 'dues.record');
    assert.ok(doc.paths['/api/clubs/{clubId}/goals'].get.parameters.some((p: { name: string }) => p.name === 'type'));
  });
});
