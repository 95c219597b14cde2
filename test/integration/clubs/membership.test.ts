import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, clubWithCast, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

describe('clubs and membership', () => {
  let server: TestServer;
  let owner: TestAccount;
  before(async () => {
    server = await startTestServer();
    owner = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  it('creates a club whose creator is its owner and only member', async () => {
    const club = await createClub(server.http, owner, { summary: 'Slow reading of long novels', keywords: ['Novels', 'slow reading', 'novels'] });
    assert.equal(club.kind, 'book');
    assert.equal(club.member_count, 1);
    assert.equal(club.max_members, 6);
    assert.equal(club.seats_left, 5);
    assert.deepEqual(club.keywords, ['novels', 'slow reading']);
    assert.deepEqual(club.me, { role: 'owner', status: 'active', liked: false });
    assert.equal(club.study, null);
    const members = await server.http.get(`/api/clubs/${club.id}/members`, owner.access);
    assert.deepEqual(members.body.items.map((m: any) => [m.user.id, m.role]), [[owner.id, 'owner']]);
  });

  it('caps max_members at CLUB_MAX_MEMBERS and keeps study fields to study groups', async () => {
    const tooMany = await server.http.post('/api/clubs', { kind: 'book', title: 'Crowd', max_members: 13 }, owner.access);
    assert.equal(tooMany.status, 400);
    assert.deepEqual(tooMany.body.error.details.map((d: any) => d.path), ['max_members']);
    const bookWithFee = await server.http.post('/api/clubs', { kind: 'book', title: 'Fee', entrance_fee: 10 }, owner.access);
    assert.equal(bookWithFee.status, 400);
    assert.deepEqual(bookWithFee.body.error.details.map((d: any) => d.path), ['entrance_fee']);
    const study = await createClub(server.http, owner, { kind: 'study', title: 'Algorithms', main_goal: 'Finish CLRS part I', entrance_fee: 5000, penalty: 10 });
    assert.equal(study.study.grace_period_days, 14);
    assert.equal(study.study.entrance_fee, 5000);
    assert.equal(study.study.season, 1);
    assert.equal(study.study.total_money, 0);
    assert.ok(study.study.renewed_at);
  });

  it('refuses over-long fields, bad enums and unknown fields with their paths', async () => {
    const res = await server.http.post('/api/clubs', { kind: 'poetry', title: 'x'.repeat(101), summary: 's'.repeat(151), visibility: 'secret', member_count: 3 }, owner.access);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    const paths = res.body.error.details.map((d: any) => d.path).sort();
    assert.deepEqual(paths, ['kind', 'member_count', 'summary', 'title', 'visibility']);
    const schedule = await server.http.post('/api/clubs', { kind: 'book', title: 'T', schedule: { times: 2, period: 'fortnight', weekdays: [9], start_time: '25:00', duration_minutes: 90, time_zone: 'Mars/Olympus' } }, owner.access);
    assert.deepEqual(schedule.body.error.details.map((d: any) => d.path).sort(), ['schedule.period', 'schedule.start_time', 'schedule.time_zone', 'schedule.weekdays.0']);
  });

  it('lets a public club be knocked on and the owner admit, admit once or refuse', async () => {
    const club = await createClub(server.http, owner);
    const [a, b, c] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    const knockA = await server.http.post(`/api/clubs/${club.id}/knocks`, { message: 'I loved the last book' }, a.access);
    assert.equal(knockA.status, 201);
    assert.equal(knockA.body.status, 'pending');
    // Knocking again is the same knock.
    const again = await server.http.post(`/api/clubs/${club.id}/knocks`, {}, a.access);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, knockA.body.id);
    assert.equal((await server.http.get(`/api/clubs/${club.id}`, a.access)).body.me.status, 'pending');
    const knockB = await server.http.post(`/api/clubs/${club.id}/knocks`, {}, b.access);
    const knockC = await server.http.post(`/api/clubs/${club.id}/knocks`, {}, c.access);
    const pending = await server.http.get(`/api/clubs/${club.id}/knocks`, owner.access);
    assert.deepEqual(pending.body.items.map((k: any) => k.user.username), [a.username, b.username, c.username]);
    assert.equal(pending.body.items[0].message, 'I loved the last book');

    await server.http.post(`/api/clubs/${club.id}/knocks/${knockA.body.id}/decision`, { decision: 'admit_member' }, owner.access);
    const once = await server.http.post(`/api/clubs/${club.id}/knocks/${knockB.body.id}/decision`, { decision: 'admit_once' }, owner.access);
    assert.ok(Date.parse(once.body.guest_until) > Date.now() + 23 * 3600_000);
    await server.http.post(`/api/clubs/${club.id}/knocks/${knockC.body.id}/decision`, { decision: 'refuse' }, owner.access);
    const twice = await server.http.post(`/api/clubs/${club.id}/knocks/${knockC.body.id}/decision`, { decision: 'admit_member' }, owner.access);
    assert.equal(twice.status, 409);

    assert.deepEqual((await server.http.get(`/api/clubs/${club.id}`, a.access)).body.me, { role: 'member', status: 'active', liked: false });
    assert.equal((await server.http.get(`/api/clubs/${club.id}`, b.access)).body.me.role, 'guest');
    assert.deepEqual((await server.http.get(`/api/clubs/${club.id}`, c.access)).body.me, { role: 'outsider', status: 'none', liked: false });
    assert.equal((await server.http.get(`/api/clubs/${club.id}`, owner.access)).body.member_count, 2);
    assert.deepEqual((await server.http.get(`/api/clubs/${club.id}/knocks`, owner.access)).body.items, []);
    // A member knocking is told so.
    assert.equal((await server.http.post(`/api/clubs/${club.id}/knocks`, {}, a.access)).body.error.code, 'already_member');
  });

  it('needs the password to knock on a private club, and hides its details from outsiders', async () => {
    const club = await createClub(server.http, owner, { visibility: 'private', join_password: 'open sesame', detail: 'We meet at the library, room 4.' });
    assert.equal(club.has_password, true);
    assert.equal(JSON.stringify(club).includes('open sesame'), false);
    const reader = await signUpAndLogin(server.http);
    const card = await server.http.get(`/api/clubs/${club.id}`, reader.access);
    assert.equal(card.status, 200);
    assert.equal(card.body.detail, null);
    assert.equal(card.body.title, 'Thursday readers');
    assert.equal((await server.http.get(`/api/clubs/${club.id}/members`, reader.access)).status, 403);
    const none = await server.http.post(`/api/clubs/${club.id}/knocks`, {}, reader.access);
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'join_password_invalid');
    const wrong = await server.http.post(`/api/clubs/${club.id}/knocks`, { password: 'open sesamE' }, reader.access);
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'join_password_invalid');
    assert.deepEqual((await server.http.get(`/api/clubs/${club.id}/knocks`, owner.access)).body.items, []);
    await admit(server.http, club.id, owner, reader, undefined, 'open sesame');
    assert.equal((await server.http.get(`/api/clubs/${club.id}`, reader.access)).body.detail, 'We meet at the library, room 4.');
  });

  it('admits exactly one of twenty parallel admissions into the last seat', async () => {
    const club = await createClub(server.http, owner, { max_members: 2 });
    const knockers = await Promise.all(Array.from({ length: 20 }, () => signUpAndLogin(server.http)));
    const knocks = await Promise.all(knockers.map((k) => server.http.post(`/api/clubs/${club.id}/knocks`, {}, k.access)));
    const decisions = await Promise.all(knocks.map((k) => server.http.post(`/api/clubs/${club.id}/knocks/${k.body.id}/decision`, { decision: 'admit_member' }, owner.access)));
    const statuses = decisions.map((d) => d.status).sort();
    assert.deepEqual(statuses, [200, ...Array(19).fill(409)]);
    assert.ok(decisions.filter((d) => d.status === 409).every((d) => d.body.error.code === 'club_full'));
    const after = await server.http.get(`/api/clubs/${club.id}`, owner.access);
    assert.equal(after.body.member_count, 2);
    assert.equal((await server.http.get(`/api/clubs/${club.id}/members`, owner.access)).body.items.length, 2);
    // The refused-for-space knocks are still waiting, for when a seat frees up.
    assert.equal((await server.http.get(`/api/clubs/${club.id}/knocks?limit=100`, owner.access)).body.items.length, 19);
  });

  it('changes roles, removes, bans, lets members leave and hands ownership over', async () => {
    const cast = await clubWithCast(server.http);
    const { clubId, owner: boss, moderator, notetaker, member, outsider } = cast;
    // A moderator may not remove another moderator or the owner, but may remove a member.
    assert.equal((await server.http.delete(`/api/clubs/${clubId}/members/${boss.id}`, moderator.access)).status, 403);
    assert.equal((await server.http.delete(`/api/clubs/${clubId}/members/${notetaker.id}`, moderator.access)).status, 204);
    assert.equal((await server.http.get(`/api/clubs/${clubId}`, notetaker.access)).body.me.role, 'outsider');
    // Ban: the member loses the seat and cannot knock again until the ban is lifted.
    assert.equal((await server.http.post(`/api/clubs/${clubId}/members/${member.id}/ban`, { reason: 'spam' }, moderator.access)).status, 204);
    const banned = await server.http.post(`/api/clubs/${clubId}/knocks`, {}, member.access);
    assert.equal(banned.body.error.code, 'banned');
    const banList = await server.http.get(`/api/clubs/${clubId}/members?status=banned`, moderator.access);
    assert.deepEqual(banList.body.items.map((m: any) => m.user.id), [member.id]);
    assert.equal((await server.http.delete(`/api/clubs/${clubId}/members/${member.id}/ban`, moderator.access)).status, 204);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/knocks`, {}, member.access)).status, 201);
    // Outsiders can be banned pre-emptively.
    assert.equal((await server.http.post(`/api/clubs/${clubId}/members/${outsider.id}/ban`, {}, boss.access)).status, 204);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/knocks`, {}, outsider.access)).body.error.code, 'banned');
    // The owner cannot leave; a moderator can.
    assert.equal((await server.http.post(`/api/clubs/${clubId}/leave`, undefined, boss.access)).status, 409);
    const count = (await server.http.get(`/api/clubs/${clubId}`, boss.access)).body.member_count;
    const newOwner = await signUpAndLogin(server.http);
    await admit(server.http, clubId, boss, newOwner);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/transfer`, { user_id: newOwner.id }, boss.access)).status, 204);
    assert.equal((await server.http.get(`/api/clubs/${clubId}`, boss.access)).body.me.role, 'moderator');
    const after = await server.http.get(`/api/clubs/${clubId}`, newOwner.access);
    assert.equal(after.body.owner.id, newOwner.id);
    assert.equal(after.body.me.role, 'owner');
    assert.equal(after.body.member_count, count + 1);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/leave`, undefined, moderator.access)).status, 204);
    assert.equal((await server.http.get(`/api/clubs/${clubId}`, newOwner.access)).body.member_count, count);
  });

  it('counts likes once per person', async () => {
    const club = await createClub(server.http, owner);
    const fan = await signUpAndLogin(server.http);
    assert.deepEqual((await server.http.put(`/api/clubs/${club.id}/like`, undefined, fan.access)).body, { liked: true, like_count: 1 });
    assert.deepEqual((await server.http.put(`/api/clubs/${club.id}/like`, undefined, fan.access)).body, { liked: true, like_count: 1 });
    assert.equal((await server.http.get(`/api/clubs/${club.id}`, fan.access)).body.me.liked, true);
    assert.deepEqual((await server.http.delete(`/api/clubs/${club.id}/like`, fan.access)).body, { liked: false, like_count: 0 });
    assert.deepEqual((await server.http.delete(`/api/clubs/${club.id}/like`, fan.access)).body, { liked: false, like_count: 0 });
  });

  it('serves an OpenAPI 3.1 document of the club endpoints and a docs page', async () => {
    const doc = await server.http.get('/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    const knock = doc.body.paths['/api/clubs/{clubId}/knocks'].post;
    assert.equal(knock['x-permission'], 'club.knock');
    assert.equal(knock.requestBody.content['application/json'].schema.properties.message.maxLength, 500);
    assert.ok(doc.body.paths['/api/clubs'].post.responses['201'].content['application/json'].schema.properties.member_count);
    const page = await fetch(`${server.url}/api/docs`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /openapi\.json/);
  });
});
