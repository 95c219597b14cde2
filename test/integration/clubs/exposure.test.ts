// What a club shows to whom: shared image projects once their owner is gone, the card of a
// private study group, ids and dates the database cannot hold, and dues totals that agree.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, clubWithCast, createClub } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { photo, upload } from '../../helpers/images.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function paths(res: HttpResponse): string[] {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.error.code, 'validation_failed');
  return [...new Set<string>(res.body.error.details.map((d: { path: string }) => d.path))].sort();
}

const BIG = 2 ** 40;

describe('club exposure and bounds', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false' } });
  });
  after(() => server.close());

  const fileStatus = async (url: string, who: TestAccount) => (await fetch(server.url + url, { headers: { authorization: `Bearer ${who.access}` } })).status;

  for (const way of ['banned', 'removed', 'left'] as const) {
    it(`stops showing a shared project once its owner ${way === 'left' ? 'leaves the club' : `is ${way}`}`, async () => {
      const cast = await clubWithCast(server.http);
      const { clubId, owner, member, notetaker } = cast;
      const created = await server.http.post('/api/projects', { name: 'Scans', ai_model_id: 'paddleocr-v4', club_id: clubId }, member.access);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const projectId = created.body.id as number;
      const uploaded = await upload(server.http, projectId, member.access, [{ name: 'page.png', data: await photo(), type: 'image/png' }]);
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
      const image = uploaded.body.data[0];
      assert.equal((await server.http.get(`/api/projects/${projectId}`, notetaker.access)).status, 200);

      const gone =
        way === 'banned'
          ? await server.http.post(`/api/clubs/${clubId}/members/${member.id}/ban`, {}, owner.access)
          : way === 'removed'
            ? await server.http.delete(`/api/clubs/${clubId}/members/${member.id}`, owner.access)
            : await server.http.post(`/api/clubs/${clubId}/leave`, undefined, member.access);
      assert.equal(gone.status, 204, JSON.stringify(gone.body));

      assert.equal((await server.http.get(`/api/projects/${projectId}`, notetaker.access)).status, 404);
      assert.equal((await server.http.get(`/api/projects/${projectId}/results`, notetaker.access)).status, 404);
      assert.equal((await server.http.get(`/api/projects/${projectId}/images/${image.id}`, notetaker.access)).status, 404);
      assert.ok(!(await server.http.get('/api/projects', notetaker.access)).body.some((p: { id: number }) => p.id === projectId));
      for (const url of [image.image_url, image.thumbnail_url]) assert.equal(await fileStatus(url, notetaker), 404, url);

      // The owner keeps the project and may take it back from the club.
      assert.equal((await server.http.get(`/api/projects/${projectId}`, member.access)).status, 200);
      assert.equal(await fileStatus(image.image_url, member), 200);
      const unshared = await server.http.patch(`/api/projects/${projectId}`, { club_id: null }, member.access);
      assert.equal(unshared.status, 200, JSON.stringify(unshared.body));
      assert.equal(unshared.body.club_id, null);
    });
  }

  it('shows the goal, cover and money of a study group only to those who may read them', async () => {
    const owner = await signUpAndLogin(server.http);
    const coverId = randomUUID();
    await server.app.database.db
      .insertInto('files')
      .values({ id: coverId, owner_id: owner.id, sha256: '0'.repeat(64), size: 1, content_type: 'image/png', name: 'cover.png', kind: 'upload', width: 1, height: 1, thumbnail_id: null })
      .execute();
    const privateClub = await createClub(server.http, owner, { kind: 'study', title: 'Quiet algorithms', visibility: 'private', main_goal: 'Finish CLRS', cover_file_id: coverId, detail: 'Our plan' });
    const publicClub = await createClub(server.http, owner, { kind: 'study', title: 'Open algorithms', main_goal: 'Finish SICP', cover_file_id: coverId });
    const [moderator, member, outsider] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    await admit(server.http, privateClub.id, owner, moderator, 'moderator');
    await admit(server.http, privateClub.id, owner, member);

    const card = async (clubId: number, who: TestAccount) => {
      const res = await server.http.get(`/api/clubs/${clubId}`, who.access);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { detail: res.body.detail, cover_url: res.body.cover_url, main_goal: res.body.study.main_goal, total_money: res.body.study.total_money };
    };
    const cover = `/api/clubs/${privateClub.id}/cover`;
    assert.deepEqual(await card(privateClub.id, outsider), { detail: null, cover_url: null, main_goal: null, total_money: null });
    assert.deepEqual(await card(privateClub.id, member), { detail: 'Our plan', cover_url: cover, main_goal: 'Finish CLRS', total_money: null });
    assert.deepEqual(await card(privateClub.id, moderator), { detail: 'Our plan', cover_url: cover, main_goal: 'Finish CLRS', total_money: 0 });
    assert.deepEqual(await card(privateClub.id, owner), { detail: 'Our plan', cover_url: cover, main_goal: 'Finish CLRS', total_money: 0 });
    assert.deepEqual(await card(publicClub.id, outsider), { detail: '', cover_url: `/api/clubs/${publicClub.id}/cover`, main_goal: 'Finish SICP', total_money: null });
  });

  it('refuses ids beyond int4 and dates in year 0000 with their paths', async () => {
    const cast = await clubWithCast(server.http, { kind: 'study', title: 'Bounds' });
    const { clubId, owner, member } = cast;
    const club = (path: string) => `/api/clubs/${clubId}${path}`;
    assert.deepEqual(paths(await server.http.post(club('/transfer'), { user_id: BIG }, owner.access)), ['user_id']);
    assert.deepEqual(paths(await server.http.post('/api/projects', { name: 'x', ai_model_id: 'paddleocr-v4', club_id: BIG }, member.access)), ['club_id']);
    const own = await server.http.post('/api/projects', { name: 'x', ai_model_id: 'paddleocr-v4' }, member.access);
    assert.deepEqual(paths(await server.http.patch(`/api/projects/${own.body.id}`, { club_id: BIG }, member.access)), ['club_id']);
    assert.deepEqual(paths(await server.http.put(club('/notices/order'), { ids: [BIG] }, owner.access)), ['ids.0']);
    assert.deepEqual(paths(await server.http.put(club('/reading-list/order'), { ids: [BIG] }, owner.access)), ['ids.0']);
    assert.deepEqual(paths(await server.http.post('/api/reports', { post_id: BIG, reason: 'spam' }, member.access)), ['post_id']);
    assert.deepEqual(paths(await server.http.post('/api/reports', { user_id: BIG, club_id: BIG, reason: 'spam' }, member.access)), ['club_id', 'user_id']);
    const goal = { type: 'homework', title: 'Old', starts_on: '0000-01-01', ends_on: '2026-01-01' };
    assert.deepEqual(paths(await server.http.post(club('/goals'), goal, owner.access)), ['starts_on']);
    assert.deepEqual(paths(await server.http.put(club(`/seasons/1/dues/${member.id}`), { paid: true, amount: 1, paid_on: '0000-12-31' }, owner.access)), ['paid_on']);
    // Year 0001 is a real date.
    assert.equal((await server.http.put(club(`/seasons/1/dues/${member.id}`), { paid: true, amount: 1, paid_on: '0001-01-01' }, owner.access)).status, 200);
  });

  it('lists dues whose totals agree with each other and with the rows while dues are recorded', async () => {
    const owner = await signUpAndLogin(server.http);
    const { id: clubId } = await createClub(server.http, owner, { kind: 'study', title: 'Busy treasurer', max_members: 10 });
    const members = await Promise.all(Array.from({ length: 5 }, () => signUpAndLogin(server.http)));
    for (const m of members) await admit(server.http, clubId, owner, m);
    const record = (i: number) => server.http.put(`/api/clubs/${clubId}/seasons/1/dues/${members[i % members.length]!.id}`, { paid: true, amount: 100 + i }, owner.access);
    const list = () => server.http.get(`/api/clubs/${clubId}/seasons/1/dues`, owner.access);
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? record(round * 10 + i) : list())));
      for (const res of results) {
        assert.equal(res.status, 200, JSON.stringify(res.body));
        if (!('season_total' in res.body)) continue;
        const rows = (res.body.items as Array<{ paid: boolean; amount: number }>).reduce((sum, e) => sum + (e.paid ? e.amount : 0), 0);
        // One season and nobody left: all three are the same money.
        assert.deepEqual([res.body.season_total, res.body.total_money], [rows, rows]);
      }
    }
  });
});
