// Calendar subscription addresses: a member's secret address serves the club's iCalendar to a
// calendar app that sends no credentials, until it is revoked or the membership ends.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const PUBLIC_URL = 'https://club.example.org/reading';
const PER_TOKEN = 4;
const mondays = { times: 1, period: 'week', weekdays: [1], start_time: '20:00', duration_minutes: 90, time_zone: 'Europe/Berlin', starts_on: '2025-01-06' };

describe('calendar subscription addresses', function () {
  this.timeout(60_000);
  let server: TestServer;
  let owner: TestAccount;
  let clubId: number;
  let title: string;

  /** The address's path on this server (PUBLIC_URL names another host). */
  const pathOf = (url: string) => url.slice(PUBLIC_URL.length);
  /** A calendar app's fetch: no Authorization header, no cookies. */
  const poll = (url: string) => fetch(server.url + pathOf(url));
  const feedOf = async (who: TestAccount, club = clubId) => {
    const res = await server.http.post(`/api/clubs/${club}/calendar/feed`, undefined, who.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { url: string; webcal_url: string; created_at: string };
  };
  const member = async (club = clubId) => {
    const person = await signUpAndLogin(server.http);
    await admit(server.http, club, owner, person);
    return person;
  };

  before(async () => {
    server = await startTestServer({ env: { PUBLIC_URL, RATE_LIMIT_CALENDAR_FEED_PER_TOKEN: String(PER_TOKEN) } });
    owner = await signUpAndLogin(server.http);
    title = `Monday night ${randomBytes(16).toString('hex')}`;
    clubId = (await createClub(server.http, owner, { title, visibility: 'private', schedule: mondays, max_members: 12 })).id;
  });
  after(() => server.close());

  it('serves the club’s iCalendar at the address without a token header', async () => {
    const feed = await feedOf(await member());
    assert.match(feed.url, new RegExp(`^${PUBLIC_URL}/api/calendar/feeds/[A-Za-z0-9_-]{43}\\.ics$`));
    assert.equal(feed.webcal_url, feed.url.replace('https://', 'webcal://'));
    assert.ok(Math.abs(Date.parse(feed.created_at) - Date.now()) < 60_000, feed.created_at);
    const res = await poll(feed.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/calendar; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'private, max-age=300');
    const text = await res.text();
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'), text.slice(0, 60));
    assert.ok(text.replace(/\r\n /g, '').includes(`SUMMARY:${title}`), 'the club’s meetings are in it');
    assert.ok(text.includes('BEGIN:VEVENT'));
  });

  it('gives the same address on a second ask and a new one after a reset', async () => {
    const person = await member();
    const first = await feedOf(person);
    assert.deepEqual(await feedOf(person), first);
    const revoked = await server.http.request('DELETE', `/api/clubs/${clubId}/calendar/feed`, { token: person.access });
    assert.equal(revoked.status, 204);
    assert.equal((await poll(first.url)).status, 404);
    const second = await feedOf(person);
    assert.notEqual(second.url, first.url);
    assert.equal((await poll(second.url)).status, 200);
    assert.equal((await poll(first.url)).status, 404, 'the old address stays dead');
  });

  it('gives every one of parallel first asks the same address (a double click makes one)', async () => {
    const person = await member();
    const feeds = await Promise.all(Array.from({ length: 6 }, () => feedOf(person)));
    assert.equal(new Set(feeds.map((f) => f.url)).size, 1, JSON.stringify(feeds.map((f) => f.url)));
    assert.equal((await poll(feeds[0]!.url)).status, 200);
  });

  it('ends the address when its owner is removed, is banned, or leaves (and rejoining does not revive it)', async () => {
    const [removed, banned, leaving] = await Promise.all([member(), member(), member()]);
    const feeds = await Promise.all([removed, banned, leaving].map((p) => feedOf(p)));
    for (const feed of feeds) assert.equal((await poll(feed.url)).status, 200, 'the positive control');
    assert.equal((await server.http.request('DELETE', `/api/clubs/${clubId}/members/${removed.id}`, { token: owner.access })).status, 204);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/members/${banned.id}/ban`, { reason: 'spam' }, owner.access)).status, 204);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/leave`, undefined, leaving.access)).status, 204);
    for (const feed of feeds) assert.equal((await poll(feed.url)).status, 404, feed.url.slice(-8));
    await admit(server.http, clubId, owner, leaving);
    assert.equal((await poll(feeds[2]!.url)).status, 404, 'an address from an earlier membership stays dead');
    const fresh = await feedOf(leaving);
    assert.notEqual(fresh.url, feeds[2]!.url);
    assert.equal((await poll(fresh.url)).status, 200);
  });

  it('ends the address when the club is deleted', async () => {
    const club = (await createClub(server.http, owner, { title: `Short-lived ${randomBytes(16).toString('hex')}` })).id;
    const feed = await feedOf(owner, club);
    assert.equal((await poll(feed.url)).status, 200);
    assert.equal((await server.http.request('DELETE', `/api/clubs/${club}`, { token: owner.access })).status, 204);
    assert.equal((await poll(feed.url)).status, 404);
  });

  it('answers 404 to an unknown or malformed token, and keeps outsiders out', async () => {
    assert.equal((await fetch(`${server.url}/api/calendar/feeds/${randomBytes(32).toString('base64url')}.ics`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/calendar/feeds/${randomBytes(16).toString('hex')}.ics`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/calendar/feeds/..%2F${randomBytes(8).toString('hex')}.ics`)).status, 404);
    const outsider = await signUpAndLogin(server.http);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/calendar/feed`, undefined, outsider.access)).status, 403);
    assert.equal((await server.http.post(`/api/clubs/${clubId}/calendar/feed`)).status, 401);
  });

  it('keeps only a hash of the token, and never logs the token', async () => {
    const person = await member();
    const feed = await feedOf(person);
    const token = /\/feeds\/([^/.]+)\.ics$/.exec(feed.url)?.[1] as string;
    assert.equal((await poll(feed.url)).status, 200);
    const rows = await server.app.database.db.selectFrom('calendar_feeds').selectAll().where('user_id', '=', person.id).execute();
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(token), 'the token is stored as it is');
    assert.match(rows[0]!.token_hash, /^[0-9a-f]{64}$/);
    const logs = server.logs.join('\n');
    assert.ok(logs.includes('/api/calendar/feeds/[redacted]'), 'the fetch was logged, redacted');
    assert.ok(!logs.includes(token), 'the log holds the token');
  });

  it('answers 429 with Retry-After past the limit of fetches of one address, and other addresses still answer', async () => {
    const [limited, other] = await Promise.all([member(), member()]);
    const [feed, control] = await Promise.all([feedOf(limited), feedOf(other)]);
    for (let i = 0; i < PER_TOKEN; i += 1) assert.equal((await poll(feed.url)).status, 200, `fetch ${i + 1}`);
    const over = await poll(feed.url);
    assert.equal(over.status, 429);
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    assert.equal((await poll(control.url)).status, 200);
  });
});
