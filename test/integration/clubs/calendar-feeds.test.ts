// Calendar subscription addresses: a member's secret address serves the club's iCalendar to a
// calendar app that sends no credentials, until it is revoked or the membership ends.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { migrations } from '../../../db/migrations/index.js';
import { legacyFeedKey } from '../../../server/clubs/calendar-feeds-legacy.js';
import { MAINTENANCE_EVERY_MS } from '../../../server/maintenance.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { ManualClock } from '../../helpers/clock.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { createScratchDatabase, type ScratchDatabase } from '../../helpers/postgres.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { serviceUrl } from '../../helpers/services.js';

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

  it('keeps the token only hashed and sealed, and never logs it', async () => {
    const person = await member();
    const feed = await feedOf(person);
    const token = /\/feeds\/([^/.]+)\.ics$/.exec(feed.url)?.[1] as string;
    assert.equal((await poll(feed.url)).status, 200);
    const rows = await server.app.database.db.selectFrom('calendar_feeds').selectAll().where('user_id', '=', person.id).execute();
    assert.equal(rows.length, 1);
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(token), 'the token is stored as it is');
    assert.match(rows[0]!.token_hash, /^[0-9a-f]{64}$/);
    assert.match(rows[0]!.sealed_token ?? '', /^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    assert.equal(rows[0]!.nonce, null);
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

/** The path of an address on a server (PUBLIC_URL names another host) and its token. */
const pathOf = (url: string) => url.slice(PUBLIC_URL.length);
const tokenOf = (url: string) => /\/feeds\/([^/.]+)\.ics$/.exec(url)?.[1] as string;
const pollOn = (server: TestServer, url: string) => fetch(server.url + pathOf(url));
const login = async (server: TestServer, who: TestAccount): Promise<TestAccount> => {
  const res = await server.http.post('/auth/jwt/create', { username: who.username, password: who.password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { ...who, access: res.body.access, refresh: res.body.refresh };
};
const feedOn = async (server: TestServer, who: TestAccount, club: number) => {
  const res = await server.http.post(`/api/clubs/${club}/calendar/feed`, undefined, who.access);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { url: string; webcal_url: string; created_at: string };
};

describe('calendar subscription addresses across a change of the signing key', function () {
  this.timeout(90_000);
  let dataDir: string;
  let scratch: ScratchDatabase | undefined;
  const running: TestServer[] = [];

  /** A server on this suite's one database (PGlite on disk, or a scratch Postgres), signing with `secret`. */
  const start = async (secret: string) => {
    const server = await startTestServer({ dataDir, ...(scratch ? { databaseUrl: scratch.url } : { persistentPglite: true }), env: { PUBLIC_URL, JWT_SECRET: secret } });
    running.push(server);
    return server;
  };
  const stop = async (server: TestServer) => {
    running.splice(running.indexOf(server), 1);
    await server.close();
  };
  const newSecret = () => `rotated-${randomBytes(24).toString('hex')}`;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-feeds-'));
    const postgres = serviceUrl('postgres');
    scratch = postgres ? await createScratchDatabase(postgres) : undefined;
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the same address, and Subscribe gives it again, after a restart with another JWT_SECRET', async () => {
    const first = await start(newSecret());
    const owner = await signUpAndLogin(first.http);
    const club = (await createClub(first.http, owner, { title: `Rotation ${randomBytes(16).toString('hex')}`, schedule: mondays })).id;
    const feed = await feedOn(first, owner, club);
    assert.equal((await pollOn(first, feed.url)).status, 200);
    const firstLogs = first.logs;
    await stop(first);

    const second = await start(newSecret());
    assert.equal((await pollOn(second, feed.url)).status, 200, 'the subscribed address still answers');
    const again = await login(second, owner);
    assert.deepEqual(await feedOn(second, again, club), feed, 'Subscribe shows the same address');
    assert.equal((await pollOn(second, feed.url)).status, 200, 'and it was not replaced');

    // The feed key is kept once in the database and written to no log.
    const keys = await second.app.database.db.selectFrom('server_secrets').select('secret').execute();
    assert.equal(keys.length, 1);
    const logs = [...firstLogs, ...second.logs].join('\n');
    assert.ok(logs.includes('/api/calendar/feeds/[redacted]'), 'the fetches were logged (positive control)');
    assert.ok(!logs.includes(keys[0]!.secret), 'a log holds the feed key');
    assert.ok(!logs.includes(tokenOf(feed.url)), 'a log holds the token');
  });

  it('seals an address made before the feed key at the next start, so a later key change keeps it too', async () => {
    const oldSecret = newSecret();
    const first = await start(oldSecret);
    const owner = await signUpAndLogin(first.http);
    const club = (await createClub(first.http, owner, { title: `Legacy ${randomBytes(16).toString('hex')}`, schedule: mondays })).id;
    const [legacyMember, foreignMember] = [await signUpAndLogin(first.http), await signUpAndLogin(first.http)];
    await admit(first.http, club, owner, legacyMember);
    await admit(first.http, club, owner, foreignMember);
    // Rows as migration 0016 made them: the token an HMAC of the nonce under a key derived from
    // this signing secret, and one made under an earlier secret that no server has any more.
    const hmac = (key: Buffer, nonce: string) => createHmac('sha256', key).update(nonce).digest('base64url');
    const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
    const legacyNonce = randomBytes(32).toString('base64url');
    const legacyToken = hmac(legacyFeedKey({ alg: 'HS256', secret: new TextEncoder().encode(oldSecret) }), legacyNonce);
    const foreignNonce = randomBytes(32).toString('base64url');
    const foreignToken = hmac(randomBytes(32), foreignNonce);
    await first.app.database.db
      .insertInto('calendar_feeds')
      .values([
        { user_id: legacyMember.id, club_id: club, nonce: legacyNonce, token_hash: sha256(legacyToken) },
        { user_id: foreignMember.id, club_id: club, nonce: foreignNonce, token_hash: sha256(foreignToken) },
      ])
      .execute();
    const legacyUrl = `${PUBLIC_URL}/api/calendar/feeds/${legacyToken}.ics`;
    const foreignUrl = `${PUBLIC_URL}/api/calendar/feeds/${foreignToken}.ics`;
    await stop(first);

    // Same signing key: the server seals the token it can make again, and leaves the other.
    const second = await start(oldSecret);
    const rows = await second.app.database.db.selectFrom('calendar_feeds').select(['user_id', 'nonce', 'sealed_token']).where('club_id', '=', club).execute();
    const legacyRow = rows.find((r) => r.user_id === legacyMember.id);
    // Its nonce stays, so a rollback of 0017 leaves the old code an address it can make again.
    assert.ok(legacyRow?.sealed_token && legacyRow.nonce === legacyNonce, JSON.stringify(legacyRow));
    assert.ok(!legacyRow.sealed_token.includes(legacyToken));
    assert.equal(rows.find((r) => r.user_id === foreignMember.id)?.sealed_token, null);
    await stop(second);

    const third = await start(newSecret());
    assert.equal((await pollOn(third, legacyUrl)).status, 200);
    assert.equal((await feedOn(third, await login(third, legacyMember), club)).url, legacyUrl);
    // The address no key can make again still answers until its member asks for one, as before.
    assert.equal((await pollOn(third, foreignUrl)).status, 200);
    const replaced = await feedOn(third, await login(third, foreignMember), club);
    assert.notEqual(replaced.url, foreignUrl);
    assert.equal((await pollOn(third, foreignUrl)).status, 404);
    assert.equal((await pollOn(third, replaced.url)).status, 200);
  });
});

describe('calendar subscription addresses: the maintenance sweep', function () {
  this.timeout(90_000);
  const RETENTION_DAYS = 1;
  const HOUR = MAINTENANCE_EVERY_MS;
  let server: TestServer;
  let clock: ManualClock;

  before(async () => {
    clock = new ManualClock();
    server = await startTestServer({ clock, env: { PUBLIC_URL, CALENDAR_FEED_RETENTION_DAYS: String(RETENTION_DAYS) } });
  });
  after(() => server.close());

  /** Moves the clock one sweep interval at a time and waits for each sweep; returns the calendar task's counts, summed. */
  const sweepFor = async (hours: number) => {
    const total = { ended: 0, deleted: 0 };
    for (let i = 0; i < hours; i += 1) {
      const next = server.app.maintenance.nextPass();
      clock.advance(HOUR);
      const counts = (await next)['calendar-feeds'];
      assert.ok(counts && !('error' in counts), JSON.stringify(counts));
      total.ended += counts.ended ?? 0;
      total.deleted += counts.deleted ?? 0;
    }
    return total;
  };

  it('deletes addresses reset or ended more than the retention period ago, and keeps live and recently reset ones', async () => {
    const owner = await signUpAndLogin(server.http);
    const club = (await createClub(server.http, owner, { title: `Sweep ${randomBytes(16).toString('hex')}`, schedule: mondays, max_members: 12 })).id;
    const [live, oldReset, recentReset, leaver] = [await signUpAndLogin(server.http), await signUpAndLogin(server.http), await signUpAndLogin(server.http), await signUpAndLogin(server.http)];
    for (const person of [live, oldReset, recentReset, leaver]) await admit(server.http, club, owner, person);
    const feeds = new Map<TestAccount, string>();
    for (const person of [live, oldReset, recentReset, leaver]) feeds.set(person, (await feedOn(server, person, club)).url);
    const rowsOf = async () =>
      new Set((await server.app.database.db.selectFrom('calendar_feeds').select('user_id').where('club_id', '=', club).execute()).map((r) => r.user_id));
    const reset = async (person: TestAccount) => assert.equal((await server.http.request('DELETE', `/api/clubs/${club}/calendar/feed`, { token: person.access })).status, 204);

    await reset(oldReset);
    assert.equal((await server.http.post(`/api/clubs/${club}/leave`, undefined, leaver.access)).status, 204);
    assert.deepEqual(await sweepFor(1), { ended: 1, deleted: 0 }, 'the ended address is marked, nothing deleted yet');
    assert.deepEqual(await sweepFor(11), { ended: 0, deleted: 0 });
    await reset(recentReset);
    // A day after the first reset and the end of the membership: those two rows go.
    assert.deepEqual(await sweepFor(14), { ended: 0, deleted: 2 });
    assert.deepEqual(await rowsOf(), new Set([live.id, recentReset.id]), 'the live row and the recently reset one stay');
    for (const person of [oldReset, leaver, recentReset]) assert.equal((await pollOn(server, feeds.get(person)!)).status, 404);
    assert.equal((await pollOn(server, feeds.get(live)!)).status, 200, 'the live address still answers');
    assert.equal((await feedOn(server, live, club)).url, feeds.get(live), 'and is still the one Subscribe shows');

    // Half a day later the recent reset has aged out too.
    assert.deepEqual(await sweepFor(12), { ended: 0, deleted: 1 });
    assert.deepEqual(await rowsOf(), new Set([live.id]));
  });
});

describe('calendar subscription addresses across a rollback of migration 0017', function () {
  this.timeout(60_000);

  it('keeps every address, still served, when 0017 is undone, and after it is applied again', async () => {
    const server = await startTestServer({ env: { PUBLIC_URL } });
    try {
      const owner = await signUpAndLogin(server.http);
      const club = (await createClub(server.http, owner, { title: `Rollback readers ${randomBytes(8).toString('hex')}`, schedule: mondays })).id;
      const feed = await server.http.post(`/api/clubs/${club}/calendar/feed`, undefined, owner.access);
      assert.equal(feed.status, 200, JSON.stringify(feed.body));
      const address = server.url + (feed.body.url as string).slice(PUBLIC_URL.length);
      assert.equal((await fetch(address)).status, 200);

      const migrator = new Migrator({ db: server.app.database.db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateDown();
      assert.equal(down.error, undefined, String(down.error));
      assert.deepEqual(down.results?.map((r) => [r.migrationName, r.status]), [['0017_calendar_feed_keys', 'Success']]);
      // As 0016 left it: the row is there with a nonce, and the address (found by its hash) answers.
      const rows = await server.app.database.db.selectFrom('calendar_feeds').select(['nonce', 'token_hash']).where('club_id', '=', club).execute();
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.nonce ?? '', /^[0-9a-f]{32}$/);
      assert.equal((await fetch(address)).status, 200);

      const up = await migrator.migrateToLatest();
      assert.equal(up.error, undefined, String(up.error));
      assert.equal((await fetch(address)).status, 200);
    } finally {
      await server.close();
    }
  });
});
