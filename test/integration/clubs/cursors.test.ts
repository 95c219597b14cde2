// Cursors: a tampered one is a 400 on `cursor` in every list, and a list whose rows share a
// timestamp to the microsecond pages through them without repeats or gaps.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { createClub } from '../../helpers/clubs.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const cursorOf = (key: unknown): string => Buffer.from(JSON.stringify(key)).toString('base64url');

const TIME = '2026-01-01T00:00:00.000000Z';
const BIG = 2 ** 40;

describe('list cursors', () => {
  let server: TestServer;
  let owner: TestAccount;
  let clubId: number;
  let postId: number;
  before(async () => {
    server = await startTestServer();
    owner = await signUpAndLogin(server.http);
    clubId = (await createClub(server.http, owner)).id;
    const post = await server.http.post('/api/posts', { title: 'Who reads Proust?' }, owner.access);
    assert.equal(post.status, 201, JSON.stringify(post.body));
    postId = post.body.id;
  });
  after(() => server.close());

  it('answers 400 on cursor for keys of the right JSON type but out of range', async () => {
    const cases: Array<[string, unknown[]]> = [
      [`/api/clubs/${clubId}/members`, ['not a time', 1]],
      [`/api/clubs/${clubId}/members`, ['2026-02-30T00:00:00.000Z', 1]],
      [`/api/clubs/${clubId}/members`, ['0000-01-01T00:00:00.000000Z', 1]],
      [`/api/clubs/${clubId}/members`, [TIME, BIG]],
      [`/api/clubs/${clubId}/members`, [TIME, 1.5]],
      [`/api/clubs/${clubId}/knocks`, [BIG]],
      [`/api/clubs/${clubId}/knocks`, [1.5]],
      [`/api/clubs/${clubId}/knocks`, [-1]],
      [`/api/clubs/${clubId}/posts`, [BIG]],
      ['/api/posts', [1.5]],
      [`/api/posts/${postId}/comments`, [BIG]],
      ['/api/reports/mine', [BIG]],
      ['/api/me/reading-logs', [BIG]],
      ['/api/books', [0.5, BIG]],
      ['/api/books', [0.5, 1.5]],
      [`/api/clubs/${clubId}/goals`, ['0000-01-01', 1]],
      [`/api/clubs/${clubId}/goals`, ['2026-13-01', 1]],
      [`/api/clubs/${clubId}/goals`, ['2026-01-01', BIG]],
      [`/api/clubs/${clubId}/meetings`, ['soon', 1]],
      [`/api/clubs/${clubId}/meetings`, [TIME, BIG]],
      [`/api/clubs/${clubId}/reading-logs`, [BIG, 1]],
      [`/api/clubs/${clubId}/reading-logs`, [1.5, 1]],
      ['/api/me/files', ['yesterday', randomUUID()]],
      ['/api/me/files', [TIME, 'not-a-uuid']],
      ['/api/me/files', [TIME]],
    ];
    for (const [path, key] of cases) {
      const res = await server.http.get(`${path}?cursor=${cursorOf(key)}`, owner.access);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(key)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['cursor'], path);
    }
  });

  it('pages through files that share a creation time to the microsecond, newest first', async () => {
    const user = await signUpAndLogin(server.http);
    const db = server.app.database.db;
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries()) {
      // Like an image and its thumbnail stored in one transaction: one now() for all but the first.
      const createdAt = i === 0 ? '2026-03-01 10:00:00.000001+00' : '2026-03-01 10:00:00.123456+00';
      await db
        .insertInto('files')
        .values({ id, owner_id: user.id, sha256: '0'.repeat(64), size: 1, content_type: 'image/webp', name: `f${i}`, kind: 'upload', width: 1, height: 1, thumbnail_id: null, created_at: sql`${createdAt}::timestamptz` })
        .execute();
    }
    const expected = [...ids.slice(1).sort().reverse(), ids[0]];
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res: HttpResponse = await server.http.get(`/api/me/files?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user.access);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...(res.body.items as Array<{ id: string }>).map((f) => f.id));
        cursor = res.body.next_cursor;
        if (!cursor) break;
      }
      assert.deepEqual(seen, expected, `limit ${limit}`);
    }
  });
});
