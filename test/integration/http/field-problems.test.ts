// A REST refusal lists each field problem with its English message and, beside it, a stable
// code and the numbers or names a client needs to say it in its own language.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUpAndLogin, uniqueName, type TestAccount } from '../../helpers/accounts.js';
import type { HttpResponse } from '../../helpers/http.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

interface Problem {
  path: string;
  message: string;
  code: string;
  [param: string]: unknown;
}

function problemsOf(res: HttpResponse): Problem[] {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  const error = (res.body as { error: { code: string; details: Problem[] } }).error;
  assert.equal(error.code, 'validation_failed');
  return error.details;
}

function problemAt(res: HttpResponse, path: string): Problem {
  const problem = problemsOf(res).find((p) => p.path === path);
  assert.ok(problem, `no problem at ${path}: ${JSON.stringify(res.body)}`);
  return problem;
}

describe('field problems in REST refusals', () => {
  let server: TestServer;
  let owner: TestAccount;
  before(async () => {
    server = await startTestServer();
    owner = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  it('names a too-long club name too_long with its maximum, keeping the English message', async () => {
    const res = await server.http.post('/api/clubs', { kind: 'book', title: `${randomBytes(60).toString('hex')}` }, owner.access);
    assert.deepEqual(problemAt(res, 'title'), { path: 'title', message: 'Too big: expected string to have <=100 characters', code: 'too_long', maximum: 100, unit: 'characters' });
    // Positive control: a name within the limit is taken.
    const ok = await server.http.post('/api/clubs', { kind: 'book', title: randomBytes(50).toString('hex') }, owner.access);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('names a bad email invalid_format, a missing password required and an unknown field unknown_field', async () => {
    const res = await server.http.post('/auth/users', { username: uniqueName(), email: `no-at-sign-${randomBytes(8).toString('hex')}`, colour: 'blue' });
    assert.deepEqual(problemAt(res, 'email'), { path: 'email', message: 'must be a valid email address', code: 'invalid_format', format: 'email' });
    assert.equal(problemAt(res, 'password').code, 'required');
    assert.deepEqual(problemAt(res, 'colour'), { path: 'colour', message: 'is not a known field', code: 'unknown_field' });
  });

  it('names each password rule a refused password breaks', async () => {
    const username = uniqueName();
    const letters = await server.http.post('/auth/users', { username, email: `${username}@example.org`, password: '1234567890' });
    assert.deepEqual(problemAt(letters, 'password'), { path: 'password', message: 'must contain a letter', code: 'custom', rule: 'password_letter' });
    // Letters only, so the password that repeats it breaks exactly two rules.
    const lettersOnly = `reader${randomBytes(6).toString('hex').replace(/\d/g, (digit) => 'ghijklmnop'.charAt(Number(digit)))}`;
    const personal = await server.http.post('/auth/users', { username: lettersOnly, email: `${lettersOnly}@example.org`, password: lettersOnly });
    assert.deepEqual(
      problemsOf(personal).map((p) => p.rule),
      ['password_digit_or_symbol', 'password_not_personal'],
    );
    // The service's own check (the schema cannot see the account's name) names its rule too.
    const change = await server.http.post('/auth/users/set_password', { current_password: owner.password, new_password: owner.email.toUpperCase() }, owner.access);
    assert.deepEqual(problemAt(change, 'new_password'), {
      path: 'new_password',
      message: 'must not be the same as the username or email',
      code: 'custom',
      rule: 'password_not_personal',
    });
  });

  it('names the study-only rule a book club’s fee breaks, on create (the schema) and on change (the service)', async () => {
    const res = await server.http.post('/api/clubs', { kind: 'book', title: 'Fees are for study groups', entrance_fee: 10 }, owner.access);
    assert.deepEqual(problemAt(res, 'entrance_fee'), { path: 'entrance_fee', message: 'applies to study groups only', code: 'custom', rule: 'study_only' });
    const club = await server.http.post('/api/clubs', { kind: 'book', title: randomBytes(16).toString('hex') }, owner.access);
    assert.equal(club.status, 201, JSON.stringify(club.body));
    const id = (club.body as { id: number }).id;
    const change = await server.http.patch(`/api/clubs/${id}`, { penalty: 5 }, owner.access);
    assert.deepEqual(problemAt(change, 'penalty'), { path: 'penalty', message: 'applies to study groups only', code: 'custom', rule: 'study_only' });
  });

  it('names seats over the server’s limit too_big with the limit, on create and on change, and keeps nothing', async () => {
    const title = randomBytes(16).toString('hex');
    const over = { path: 'max_members', message: 'at most 12 on this server', code: 'too_big', maximum: 12, inclusive: true };
    const refused = await server.http.post('/api/clubs', { kind: 'book', title, max_members: 13 }, owner.access);
    assert.deepEqual(problemAt(refused, 'max_members'), over);
    // Positive control: the limit itself is taken, and changing it past the limit is refused the same way.
    const club = await server.http.post('/api/clubs', { kind: 'book', title, max_members: 12 }, owner.access);
    assert.equal(club.status, 201, JSON.stringify(club.body));
    const id = (club.body as { id: number }).id;
    const change = await server.http.patch(`/api/clubs/${id}`, { max_members: 500 }, owner.access);
    assert.deepEqual(problemAt(change, 'max_members'), over);
    assert.equal((await server.http.get(`/api/clubs/${id}`, owner.access)).body.max_members, 12);
  });
});
