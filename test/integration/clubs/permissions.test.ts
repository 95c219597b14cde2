// Every club endpoint × every role: the server answers 403 exactly where the permission
// table says the role may not act. The endpoints come from /api/openapi.json (x-access club),
// so a new endpoint joins this test by being declared. Endpoints on a meeting, a notes document,
// a project or one account's own data are tried in test/integration/http/permission-matrix.test.ts.
import assert from 'node:assert/strict';
import { can, type Action, type Role } from '../../../shared/permissions.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Operation {
  method: string;
  path: string;
  action: Action;
}

const ROLES = ['owner', 'moderator', 'notetaker', 'member', 'guest', 'outsider'] as const satisfies readonly Role[];
// An id nobody has: allowed callers get 404 or 400, never 403.
const MISSING_ID = 2_000_000_000;
// Run last: they end the caller's tie to the club.
const ENDINGS: Action[] = ['club.leave', 'club.delete'];

function operations(doc: { paths: Record<string, Record<string, { 'x-access'?: string; 'x-permission'?: Action }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op['x-access'] === 'club' && op['x-permission']) ops.push({ method: method.toUpperCase(), path, action: op['x-permission'] });
    }
  }
  return ops.sort((a, b) => Number(ENDINGS.includes(a.action)) - Number(ENDINGS.includes(b.action)) || ENDINGS.indexOf(a.action) - ENDINGS.indexOf(b.action));
}

describe('permission matrix', function () {
  this.timeout(120_000);
  let server: TestServer;
  let ops: Operation[];
  before(async () => {
    server = await startTestServer();
    ops = operations((await server.http.get('/api/openapi.json')).body);
  });
  after(() => server.close());

  it('declares a permission for every mutating endpoint under /api/clubs/{clubId}', async () => {
    const doc = (await server.http.get('/api/openapi.json')).body as { paths: Record<string, Record<string, { 'x-access'?: string; 'x-permission'?: string }>> };
    const unguarded = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method, op]) => path.startsWith('/api/clubs/{clubId}') && method !== 'get' && !(op['x-access'] === 'club' && op['x-permission']))
        .map(([method]) => `${method} ${path}`),
    );
    assert.deepEqual(unguarded, []);
    assert.ok(ops.length >= 15, `only ${ops.length} club endpoints found`);
  });

  for (const role of ROLES) {
    it(`answers 403 to ${role === "owner" || role === "outsider" ? "an" : "a"} ${role} exactly where the table forbids it (private club)`, async () => {
      const cast: ClubCast = await clubWithCast(server.http, { visibility: 'private' });
      const token = cast[role].access;
      const wrong: string[] = [];
      for (const op of ops) {
        const path = op.path.replace('{clubId}', String(cast.clubId)).replace(/\{\w+\}/g, String(MISSING_ID));
        // An unknown field fails validation after authorization, so allowed calls change nothing.
        const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : { probe_field_nobody_accepts: true };
        const res = await server.http.request(op.method, path, { token, body });
        const allowed = can(role, op.action, { visibility: 'private' });
        if (allowed ? res.status === 403 || res.status === 401 : res.status !== 403) {
          wrong.push(`${op.method} ${op.path} (${op.action}): ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        }
        if (!allowed) assert.equal(res.body?.error?.code, 'forbidden', `${op.method} ${op.path}`);
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('lets outsiders read a public club but not change it', async () => {
    const cast = await clubWithCast(server.http, { visibility: 'public' });
    const token = cast.outsider.access;
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/members`, token)).status, 200);
    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}`, { title: 'Mine now' }, token)).status, 403);
    assert.equal((await server.http.get(`/api/clubs/${cast.clubId}/knocks`, token)).status, 403);
  });

  it('keeps the ladder in the table itself', () => {
    // Spot checks written out by hand, so a wrong table cannot pass by agreeing with itself.
    assert.equal(can('member', 'notice.write'), false);
    assert.equal(can('notetaker', 'knock.decide'), false);
    assert.equal(can('notetaker', 'notes.write'), true);
    assert.equal(can('member', 'notes.write'), false);
    assert.equal(can('guest', 'chat.send'), true);
    assert.equal(can('guest', 'post.create'), false);
    assert.equal(can('moderator', 'club.delete'), false);
    assert.equal(can('outsider', 'content.read', { visibility: 'private' }), false);
    assert.equal(can('outsider', 'content.read', { visibility: 'public' }), true);
    assert.equal(can('outsider', 'chat.read', { visibility: 'public' }), false);
    assert.equal(can('member', 'calendar.subscribe'), true);
    assert.equal(can('guest', 'calendar.subscribe'), false);
    assert.equal(can('outsider', 'calendar.subscribe', { visibility: 'public' }), false);
  });
});
