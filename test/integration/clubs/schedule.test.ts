import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const DAY_MS = 86_400_000;
const seoulWednesdays = { times: 1, period: 'week', weekdays: [3], start_time: '19:00', duration_minutes: 120, time_zone: 'Asia/Seoul', starts_on: '2025-01-01' };

describe('club schedules over REST', () => {
  let server: TestServer;
  let owner: TestAccount;
  let outsider: TestAccount;
  let scheduled: number;
  let unscheduled: number;
  before(async () => {
    server = await startTestServer();
    [owner, outsider] = await Promise.all([signUpAndLogin(server.http), signUpAndLogin(server.http)]);
    scheduled = (await createClub(server.http, owner, { title: '수요일 밤의 독서회, 제2권; 끝까지 함께 읽어요 — 장편소설 모임', summary: 'Slow reading; one chapter, then talk', schedule: seoulWednesdays })).id;
    unscheduled = (await createClub(server.http, owner, { title: 'Whenever we can' })).id;
  });
  after(() => server.close());

  it('lists the next meetings as UTC instants (19:00 in Seoul is 10:00Z)', async () => {
    const res = await server.http.get(`/api/clubs/${scheduled}/schedule/next?count=3`, outsider.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.items.length, 3);
    let previous = Date.now();
    for (const item of res.body.items) {
      const start = new Date(item.starts_at);
      assert.equal(start.getUTCDay(), 3);
      assert.equal(item.starts_at.slice(11), '10:00:00.000Z');
      assert.equal(Date.parse(item.ends_at) - start.getTime(), 120 * 60_000);
      assert.ok(start.getTime() >= previous);
      previous = start.getTime() + 1;
    }
    assert.ok(Date.parse(res.body.items[0].starts_at) - Date.now() <= 7 * DAY_MS);
    assert.equal((await server.http.get(`/api/clubs/${scheduled}/schedule/next`, owner.access)).body.items.length, 5);
  });

  it('answers an empty list for a club without a schedule and checks count', async () => {
    assert.deepEqual((await server.http.get(`/api/clubs/${unscheduled}/schedule/next`, owner.access)).body, { items: [] });
    for (const count of ['0', '51', 'many']) {
      const res = await server.http.get(`/api/clubs/${scheduled}/schedule/next?count=${count}`, owner.access);
      assert.equal(res.status, 400, count);
      assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['count']);
    }
    assert.equal((await server.http.get(`/api/clubs/${scheduled}/schedule/next?count=50`, owner.access)).body.items.length, 50);
  });

  it('keeps a private club’s schedule to its members and guests', async () => {
    const club = await createClub(server.http, owner, { title: 'Closed circle', visibility: 'private', schedule: seoulWednesdays });
    assert.equal((await server.http.get(`/api/clubs/${club.id}/schedule/next`, outsider.access)).status, 403);
    assert.equal((await server.http.get(`/api/clubs/${club.id}/calendar.ics`, outsider.access)).status, 403);
    const member = await signUpAndLogin(server.http);
    await admit(server.http, club.id, owner, member);
    assert.equal((await server.http.get(`/api/clubs/${club.id}/schedule/next`, member.access)).status, 200);
    assert.equal((await server.http.get(`/api/clubs/${club.id}/schedule/next`)).status, 401);
    assert.equal((await server.http.get(`/api/clubs/999999/schedule/next`, owner.access)).status, 404);
  });

  it('serves the next 90 days as an iCalendar file', async () => {
    const res = await server.http.get(`/api/clubs/${scheduled}/calendar.ics`, outsider.access);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
    const text = res.body as string;
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:'), text.slice(0, 80));
    assert.ok(text.endsWith('END:VCALENDAR\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'CRLF line endings only');
    for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    const lines = text.replace(/\r\n /g, '').split('\r\n');
    const starts = lines.filter((l) => l.startsWith('DTSTART:')).map((l) => l.slice(8));
    // Weekly for 90 days: 12 or 13 Wednesdays, all at 10:00Z, all within the window.
    assert.ok(starts.length === 12 || starts.length === 13, String(starts.length));
    for (const start of starts) {
      assert.match(start, /^\d{8}T100000Z$/);
      const iso = `${start.slice(0, 4)}-${start.slice(4, 6)}-${start.slice(6, 8)}T10:00:00Z`;
      assert.ok(Date.parse(iso) <= Date.now() + 90 * DAY_MS);
    }
    const uids = lines.filter((l) => l.startsWith('UID:'));
    assert.equal(uids.length, starts.length);
    assert.equal(uids[0], `UID:club-${scheduled}-${starts[0]}@${new URL(server.config.http.publicUrl).hostname}`);
    assert.equal(new Set(uids).size, uids.length);
    assert.ok(lines.includes('SUMMARY:수요일 밤의 독서회\\, 제2권\\; 끝까지 함께 읽어요 — 장편소설 모임'));
    assert.ok(lines.includes('DESCRIPTION:Slow reading\\; one chapter\\, then talk'));
    // Downloading again gives the same meetings under the same UIDs.
    const again = (await server.http.get(`/api/clubs/${scheduled}/calendar.ics`, owner.access)).body as string;
    assert.deepEqual(again.replace(/\r\n /g, '').split('\r\n').filter((l) => l.startsWith('UID:')), uids);
  });

  it('serves an empty calendar for a club without a schedule', async () => {
    const res = await server.http.get(`/api/clubs/${unscheduled}/calendar.ics`, owner.access);
    assert.equal(res.status, 200);
    assert.ok((res.body as string).includes('BEGIN:VCALENDAR'));
    assert.ok(!(res.body as string).includes('BEGIN:VEVENT'));
  });
});
