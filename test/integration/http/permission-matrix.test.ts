// Every signed-in endpoint outside a club's own paths, tried against the rule its declaration
// names (x-access in /api/openapi.json, see server/http/openapi.ts Access): a new endpoint joins
// by being declared, and one declared without an access kind fails here. Club endpoints
// (x-access club) are the matrix in test/integration/clubs/permissions.test.ts.
//   self      another account never reads or changes the caller's rows
//   meeting   every club role gets exactly what shared/permissions says for the named action
//   document  the same, for the notes documents (club.<id>, meeting.<id>)
//   project   projectVisibleTo: its owner, and club readers when shared; changes by the owner only
//   author    anyone signed in reads; nobody but the author changes the row
//   public    anyone signed in reads; nothing changes
// One server and one seeding for all; each kind's requests run in parallel where they only read.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { can, type Action, type Role } from '../../../shared/permissions.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { photo, upload } from '../../helpers/images.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

type Kind = 'club' | 'meeting' | 'document' | 'self' | 'project' | 'author' | 'public';
interface OperationDoc {
  'x-access'?: Kind;
  'x-permission'?: Action;
  security?: unknown;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
  parameters?: Array<{ name: string; in: string }>;
}
interface Operation {
  method: string;
  path: string;
  kind?: Kind;
  action?: Action;
  op: OperationDoc;
}

/** The endpoints anybody may call without signing in: they act on no one's data but the caller's credentials. */
const OPEN = [
  'POST /auth/users',
  'POST /auth/jwt/create',
  'POST /auth/jwt/refresh',
  'POST /auth/jwt/verify',
  'POST /auth/users/activation',
  'POST /auth/users/resend_activation',
  'POST /auth/users/reset_password',
  'POST /auth/users/reset_password_confirm',
  'GET /api/openapi.json',
  'GET /api/docs',
  // A calendar app's poll: the secret token in the path is the credential (404 unless it is live).
  'GET /api/calendar/feeds/{token}.ics',
];
/** Inputs of a `self` endpoint that name another account, and why that is still the caller's own row. */
const NAMES_ANOTHER = new Set(['POST /api/reports user_id' /* the person reported; the report is the caller's */]);
const ACCOUNT_FIELD = /^(user|owner|author|member|account)(_id|Id)$/;
const ROLES = ['outsider', 'guest', 'member', 'notetaker', 'moderator', 'owner'] as const satisfies readonly Role[];
const PROBE = { probe_field_nobody_accepts: true };
/**
 * Valid bodies for endpoints that read their body before deciding who may call them: without one
 * every caller gets the same 400 and a refusal proves nothing. A new such endpoint fails with a
 * 400 until it is given one here.
 */
const BODIES: Record<string, (f: Record<string, string | number>) => unknown> = {
  'PATCH /api/meetings/{meetingId}': () => ({ title: marker('retitled') }),
  'PATCH /api/projects/{id}': () => ({ name: marker('renamed') }),
  'POST /api/projects/{id}/results/{imageId}/quote': (f) => ({ doc: `club.${f['clubs/{clubId}']}`, lines: [0] }),
  'PATCH /api/me/reading-logs/{logId}': () => ({ progress: 42 }),
};
/**
 * Project operations that only read the project, and the club permission they need besides: a
 * quote copies a result into notes (the club's notebook here), so it also needs notes.write.
 */
const PROJECT_READS: Record<string, Action> = { 'POST /api/projects/{id}/results/{imageId}/quote': 'notes.write' };

const marker = (what: string) => `${what}${randomBytes(16).toString('hex')}`;
const denied = (res: HttpResponse) => res.status === 403 || res.status === 404;
const show = (res: HttpResponse) => `${res.status} ${JSON.stringify(res.body).slice(0, 140)}${res.status === 400 ? ' (validated before authorizing: give it a body in BODIES)' : ''}`;
const bodyFor = (op: Operation, fixtures: Record<string, string | number>): unknown =>
  op.method === 'GET' || op.method === 'DELETE' ? undefined : (BODIES[`${op.method} ${op.path}`]?.(fixtures) ?? {});

function operationsOf(doc: { paths: Record<string, Record<string, OperationDoc>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, kind: op['x-access'], action: op['x-permission'], op })),
  );
}

/** The path with each `{param}` filled from the fixtures, keyed by the segment before it (`projects/{id}`). */
function fill(path: string, fixtures: Record<string, string | number>): string {
  return path.replace(/([\w.-]+)\/\{(\w+)\}/g, (_all, segment: string, param: string) => {
    const key = `${segment}/{${param}}`;
    const value = fixtures[key];
    if (value === undefined) throw new Error(`${path}: no fixture for ${key}; seed one in this test so the endpoint is tried`);
    return `${segment}/${value}`;
  });
}

describe('permission matrix: every endpoint that acts on a user’s or a club’s data', function () {
  this.timeout(120_000);
  let server: TestServer;
  let ops: Operation[];
  let cast: ClubCast;
  /** The member whose rows the others try to reach (cast.member); the stranger is cast.outsider. */
  const markers: Record<string, string> = {};
  const fixtures: Record<string, string | number> = {};
  let logBefore: unknown;
  const request = (method: string, path: string, token: string, body?: unknown) => server.http.request(method, path, { token, body });
  const of = (kind: Kind) => ops.filter((op) => op.kind === kind);

  before(async () => {
    server = await startTestServer({ env: { MODELS: 'paddleocr-v4', MODELS_WARMUP: 'false' } });
    ops = operationsOf((await server.http.get('/api/openapi.json')).body);
    markers.club = marker('club');
    cast = await clubWithCast(server.http, { visibility: 'private', title: markers.club });
    const alice = cast.member;
    const post = (path: string, body: unknown, token = alice.access) => request('POST', path, token, body).then((res) => {
      assert.ok(res.status === 200 || res.status === 201, `${path}: ${show(res)}`);
      return res.body;
    });
    const meeting = await post(`/api/clubs/${cast.clubId}/meetings`, { title: marker('meeting') }, cast.owner.access);
    const version = await post(`/api/collab/meeting.${meeting.id}/versions`, { name: marker('version') }, cast.owner.access);
    markers.project = marker('project');
    const project = await post('/api/projects', { name: markers.project, ai_model_id: 'paddleocr-v4', club_id: cast.clubId });
    markers.file = marker('page');
    const uploaded = await upload(server.http, project.id, alice.access, [{ name: `${markers.file}.jpg`, data: await photo(), type: 'image/jpeg' }]);
    assert.equal(uploaded.status, 201, show(uploaded));
    const image = uploaded.body.data[0];
    // A recognised result, so its reads answer 200 to those who may see it.
    await server.app.database.db
      .insertInto('image_results')
      .values({ image_id: image.id, job_id: null, model_id: 'paddleocr-v4', orientation: 0, lines: JSON.stringify([{ text: 'a line', confidence: 0.9, box: [] }]), text: 'a line', ms: 5 })
      .execute();
    markers.book = marker('book');
    const book = await post('/api/books', { title: markers.book, author: 'Ursula K. Le Guin' });
    const log = await post('/api/me/reading-logs', { book_id: book.id });
    markers.post = marker('post');
    const community = await post('/api/posts', { title: markers.post, content: 'On Gethen' });
    const comment = await post(`/api/posts/${community.id}/comments`, { content: marker('comment') });
    markers.report = marker('report');
    await post('/api/reports', { post_id: community.id, reason: 'other', detail: markers.report });
    markers.inbox = marker('inbox');
    const item = await server.app.database.db
      .insertInto('inbox_items')
      .values({ user_id: alice.id, kind: 'meeting_missed', club_id: cast.clubId, meeting_id: meeting.id, payload: JSON.stringify({ title: markers.inbox }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    markers.username = alice.username;
    logBefore = (await request('GET', `/api/me/reading-logs/${log.id}`, alice.access)).body;
    Object.assign(fixtures, {
      'meetings/{meetingId}': meeting.id,
      'collab/{docName}': `meeting.${meeting.id}`,
      'versions/{versionId}': version.id,
      'projects/{id}': project.id,
      'images/{imageId}': image.id,
      'results/{imageId}': image.id,
      'files/{id}': String(image.image_url).split('/').pop() as string,
      'books/{bookId}': book.id,
      'reading-logs/{logId}': log.id,
      'posts/{postId}': community.id,
      'comments/{commentId}': comment.id,
      'inbox/{itemId}': item.id,
      'users/{id}': alice.id,
      'clubs/{clubId}': cast.clubId,
    });
  });
  after(() => server.close());

  it('knows whose data each signed-in operation acts on, and only the listed ones are open', () => {
    const undeclared = ops.filter((op) => op.op.security && !op.kind).map((op) => `${op.method} ${op.path}`);
    assert.deepEqual(undeclared, [], 'declare access on these endpoints (server/http/openapi.ts Access)');
    const open = ops.filter((op) => !op.op.security).map((op) => `${op.method} ${op.path}`);
    assert.deepEqual(open.sort(), [...OPEN].sort(), 'an endpoint open to anybody must be listed here as truly public');
    assert.deepEqual(ops.filter((op) => !op.op.security && op.kind).map((op) => `${op.method} ${op.path}`), []);
    for (const kind of ['meeting', 'document', 'self', 'project', 'author', 'public'] as const) assert.ok(of(kind).length > 0, `no ${kind} operations found`);
    for (const op of [...of('meeting'), ...of('document')]) assert.ok(op.action, `${op.method} ${op.path} names no action`);
  });

  it('reads and changes nothing through public operations', async () => {
    assert.deepEqual(of('public').filter((op) => op.method !== 'GET').map((op) => `${op.method} ${op.path}`), []);
    const wrong: string[] = [];
    await Promise.all(
      of('public').map(async (op) => {
        const path = fill(op.path, fixtures);
        // A stranger gets what the member who made the row gets (a book without a cover is a 404 to both).
        const [mine, theirs] = await Promise.all([request('GET', path, cast.member.access), request('GET', path, cast.outsider.access)]);
        if (mine.status >= 500 || mine.status === 403 || theirs.status !== mine.status) wrong.push(`${op.path}: member ${mine.status}, stranger ${show(theirs)}`);
      }),
    );
    assert.deepEqual(wrong.sort(), []);
  });

  it('takes no other account from the input of a self operation', () => {
    const wrong: string[] = [];
    for (const op of of('self')) {
      const fields = [
        ...(op.op.parameters ?? []).filter((p) => p.in !== 'path').map((p) => p.name),
        ...Object.values(op.op.requestBody?.content ?? {}).flatMap((c) => Object.keys(c.schema?.properties ?? {})),
      ];
      for (const field of fields) if (ACCOUNT_FIELD.test(field) && !NAMES_ANOTHER.has(`${op.method} ${op.path} ${field}`)) wrong.push(`${op.method} ${op.path} ${field}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('never shows one account’s own data to another', async () => {
    const reads = of('self').filter((op) => op.method === 'GET' && !op.path.includes('{'));
    assert.ok(reads.length >= 5, `only ${reads.length} self reads`);
    const wrong: string[] = [];
    await Promise.all(
      reads.map(async (op) => {
        const [mine, theirs] = await Promise.all([request('GET', op.path, cast.member.access), request('GET', op.path, cast.outsider.access)]);
        const [mineText, theirsText] = [JSON.stringify(mine.body), JSON.stringify(theirs.body)];
        // The positive control: the same request shows the member's own rows to the member.
        if (mine.status !== 200 || !Object.values(markers).some((m) => mineText.includes(m))) wrong.push(`${op.path}: the member does not see their own data (seed some): ${show(mine)}`);
        if (theirs.status !== 200) wrong.push(`${op.path} for a stranger: ${show(theirs)}`);
        for (const [what, m] of Object.entries(markers)) if (theirsText.includes(m)) wrong.push(`${op.path} shows the member's ${what} to a stranger`);
      }),
    );
    assert.deepEqual(wrong.sort(), []);
  });

  it('refuses another account every self operation on the caller’s rows, and the rows stay as they were', async () => {
    const targeted = of('self').filter((op) => op.path.includes('{'));
    assert.ok(targeted.length >= 4, `only ${targeted.length} self operations with ids`);
    const wrong: string[] = [];
    for (const op of targeted) {
      const res = await request(op.method, fill(op.path, fixtures), cast.outsider.access, bodyFor(op, fixtures));
      if (!denied(res)) wrong.push(`${op.method} ${op.path}: ${show(res)}`);
    }
    assert.deepEqual(wrong, []);
    const log = await request('GET', `/api/me/reading-logs/${fixtures['reading-logs/{logId}']}`, cast.member.access);
    assert.deepEqual(log.body, logBefore, 'the member’s reading log changed');
    const inbox = await request('GET', '/api/me/inbox', cast.member.access);
    const item = inbox.body.items.find((i: { id: number }) => i.id === fixtures['inbox/{itemId}']);
    assert.equal(item?.read_at, null, 'the member’s inbox item was marked read by a stranger');
  });

  for (const kind of ['meeting', 'document'] as const) {
    it(`gives every club role exactly what the table says on ${kind} operations`, async () => {
      // Reads first, then changes; weakest role first, so an allowed change (ending the meeting,
      // deleting its transcript) comes after every refusal has been tried.
      const list = of(kind).sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
      const wrong: string[] = [];
      for (const op of list) {
        for (const role of ROLES) {
          const allowed = can(role, op.action as Action, { visibility: 'private' });
          const body = op.path === '/api/collab/tickets' ? { doc: fixtures['collab/{docName}'] } : bodyFor(op, fixtures);
          const res = await request(op.method, fill(op.path, fixtures), cast[role].access, body);
          const ok = allowed ? res.status !== 401 && res.status !== 403 && res.status < 500 : res.status === 403 && res.body?.error?.code === 'forbidden';
          if (!ok) wrong.push(`${role} ${op.method} ${op.path} (${op.action}, ${allowed ? 'allowed' : 'forbidden'}): ${show(res)}`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('shows a project to its owner and its club’s readers only, and lets only the owner change it', async () => {
    const owner = cast.member;
    const readers: Role[] = ['notetaker', 'moderator', 'owner'];
    const strangers: Role[] = ['guest', 'outsider'];
    const list = of('project').filter((op) => op.path.includes('{'));
    const wrong: string[] = [];
    const reads = (o: Operation) => o.method === 'GET' || `${o.method} ${o.path}` in PROJECT_READS;
    for (const op of list.filter(reads)) {
      const path = fill(op.path, fixtures);
      const [mine, ...others] = await Promise.all([owner, ...readers.map((r) => cast[r]), ...strangers.map((r) => cast[r])].map((who) => request(op.method, path, who.access, bodyFor(op, fixtures))));
      const also = PROJECT_READS[`${op.method} ${op.path}`];
      // The owner (a plain member of the club) and each reader: let in exactly when the club permission, if any, allows.
      (['member', ...readers] as Role[]).forEach((role, i) => {
        const res = (i === 0 ? mine : others[i - 1]) as HttpResponse;
        const ok = also && !can(role, also) ? res.status === 403 : res.status < 300;
        if (!ok) wrong.push(`${i === 0 ? 'the owner' : `reader ${role}`} ${op.method} ${op.path}${also ? ` (also ${also})` : ''}: ${show(res)}`);
      });
      strangers.forEach((role, i) => {
        const res = others[readers.length + i]!;
        if (!denied(res)) wrong.push(`${role} ${op.method} ${op.path}: ${show(res)}`);
      });
    }
    for (const op of list.filter((o) => !reads(o))) {
      for (const role of [...strangers, ...readers]) {
        const res = await request(op.method, fill(op.path, fixtures), cast[role].access, bodyFor(op, fixtures));
        if (!denied(res)) wrong.push(`${role} ${op.method} ${op.path}: ${show(res)}`);
      }
    }
    assert.deepEqual(wrong, []);
    const project = await request('GET', `/api/projects/${fixtures['projects/{id}']}`, owner.access);
    assert.equal(project.status, 200, show(project));
    assert.equal(project.body.name, markers.project);
    assert.equal(project.body.images.length, 1);
  });

  it('lets anyone read an author’s post, comment or book but only the author change it', async () => {
    const wrong: string[] = [];
    for (const op of of('author').filter((o) => o.path.includes('{'))) {
      const path = fill(op.path, fixtures);
      if (op.method === 'GET') {
        const [mine, theirs] = await Promise.all([request('GET', path, cast.member.access), request('GET', path, cast.outsider.access)]);
        if (mine.status !== 200 || theirs.status !== 200) wrong.push(`GET ${op.path}: author ${mine.status}, stranger ${show(theirs)}`);
      } else if (op.method === 'POST') {
        // Adds the caller's own row under the author's (a comment): refused only by validation here.
        const res = await request('POST', path, cast.outsider.access, PROBE);
        if (res.status !== 400) wrong.push(`POST ${op.path}: ${show(res)}`);
      } else {
        const res = await request(op.method, path, cast.outsider.access, op.method === 'DELETE' ? undefined : { title: marker('taken') });
        if (!denied(res)) wrong.push(`${op.method} ${op.path}: ${show(res)}`);
      }
    }
    assert.deepEqual(wrong, []);
    const post = await request('GET', `/api/posts/${fixtures['posts/{postId}']}`, cast.member.access);
    assert.equal(post.body.title, markers.post);
    const comments = await request('GET', `/api/posts/${fixtures['posts/{postId}']}/comments`, cast.member.access);
    assert.ok(comments.body.items.some((c: { id: number }) => c.id === fixtures['comments/{commentId}']), 'the author’s comment is gone');
    const book = await request('GET', `/api/books/${fixtures['books/{bookId}']}`, cast.member.access);
    assert.equal(book.body.title, markers.book);
  });
});
