import assert from 'node:assert/strict';
import { signUp, uniqueName } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

function problemsAt(body: { error: { details: Array<{ path: string; message: string }> } }, field: string): string[] {
  return body.error.details.filter((d) => d.path === field).map((d) => d.message);
}

describe('sign-up', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('creates an account and answers 201 with the public fields only', async () => {
    const username = uniqueName();
    const res = await server.http.post('/auth/users', {
      username,
      email: `${username}@example.org`,
      password: 'Middlemarch-1871',
      first_name: 'Dorothea',
      last_name: 'Brooke',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), ['email', 'first_name', 'id', 'last_name', 'username']);
    assert.equal(res.body.first_name, 'Dorothea');
    assert.ok(Number.isInteger(res.body.id));
  });

  it('stores an argon2id hash, never the password', async () => {
    const user = await signUp(server.http, { password: 'plain-text-9' });
    const row = await server.app.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!row.password_hash.includes('plain-text-9'));
  });

  const passwordCases: Array<[string, string, RegExp]> = [
    ['shorter than 8', 'ab1', /at least 8/],
    ['longer than 128', `a1${'x'.repeat(127)}`, /at most 128/],
    ['without a letter', '12345678', /letter/],
    ['without a digit or symbol', 'onlyletters', /digit or a symbol/],
  ];
  for (const [name, password, message] of passwordCases) {
    it(`refuses a password ${name}`, async () => {
      const username = uniqueName();
      const res = await server.http.post('/auth/users', { username, email: `${username}@example.org`, password });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
      assert.ok(problemsAt(res.body, 'password').some((m) => message.test(m)), JSON.stringify(res.body));
    });
  }

  it('refuses a password equal to the username or the email (any case)', async () => {
    const username = `Reader.42`;
    const byName = await server.http.post('/auth/users', { username, email: 'r42@example.org', password: 'reader.42' });
    assert.equal(byName.status, 400);
    assert.ok(problemsAt(byName.body, 'password').some((m) => /username or email/.test(m)));
    const byEmail = await server.http.post('/auth/users', { username: 'someone', email: 'Mail@Example.org', password: 'mail@example.org' });
    assert.equal(byEmail.status, 400);
    assert.ok(problemsAt(byEmail.body, 'password').some((m) => /username or email/.test(m)));
  });

  it('refuses a bad email, a bad username, missing fields and unknown fields, naming each path', async () => {
    const res = await server.http.post('/auth/users', { username: 'a b', email: 'not-an-email', is_admin: true });
    assert.equal(res.status, 400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    for (const path of ['username', 'email', 'password', 'is_admin']) assert.ok(paths.includes(path), `${path} in ${paths}`);
  });

  it('answers 409 naming the field for a duplicate username or email, whatever the case', async () => {
    const user = await signUp(server.http);
    const sameName = await server.http.post('/auth/users', { username: user.username.toUpperCase(), email: 'fresh@example.org', password: 'new-pass-1' });
    assert.equal(sameName.status, 409);
    assert.equal(sameName.body.error.code, 'username_taken');
    assert.deepEqual(sameName.body.error.details, [{ path: 'username', message: 'already taken' }]);
    const sameEmail = await server.http.post('/auth/users', { username: uniqueName(), email: user.email.toUpperCase(), password: 'new-pass-1' });
    assert.equal(sameEmail.status, 409);
    assert.equal(sameEmail.body.error.code, 'email_taken');
  });

  it('creates exactly one account when the same username is submitted concurrently', async () => {
    const username = uniqueName();
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => server.http.post('/auth/users', { username, email: `${username}${i}@example.org`, password: 'race-condition-1' })),
    );
    assert.deepEqual(attempts.map((a) => a.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('answers malformed URLs and out-of-range ids with 4xx, never 500', async () => {
    const user = await signUp(server.http);
    const login = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    const badEscape = await server.http.get('/api/users/%E0', login.body.access);
    assert.equal(badEscape.status, 400);
    assert.equal(badEscape.body.error.code, 'bad_request');
    const hugeUid = await server.http.post('/auth/users/activation', { uid: '9999999999', token: 'A'.repeat(43) });
    assert.equal(hugeUid.status, 400);
    assert.equal(hugeUid.body.error.code, 'validation_failed');
    assert.ok(!server.logs.some((l) => l.includes('unhandled error')), 'nothing reached the 500 path');
  });

  it('answers bad JSON and oversized bodies with stable codes and no stack trace', async () => {
    const bad = await server.http.request('POST', '/auth/users', { raw: '{"username": ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_json');
    const huge = await server.http.post('/auth/users', { username: 'x', bio: 'y'.repeat(200_000) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'payload_too_large');
    assert.ok(!JSON.stringify(bad.body).includes('at '), 'no stack trace');
  });
});

describe('login', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('logs in by username and by email, case-insensitively', async () => {
    const user = await signUp(server.http);
    for (const body of [
      { username: user.username, password: user.password },
      { email: user.email.toUpperCase(), password: user.password },
      { username: user.email, password: user.password },
    ]) {
      const res = await server.http.post('/auth/jwt/create', body);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(typeof res.body.access, 'string');
      assert.equal(typeof res.body.refresh, 'string');
      assert.equal((await server.http.get('/api/me', res.body.access)).body.id, user.id);
    }
  });

  it('answers the same 401 for a wrong password and an unknown account', async () => {
    const user = await signUp(server.http);
    const wrong = await server.http.post('/auth/jwt/create', { username: user.username, password: 'wrong-password-1' });
    const unknown = await server.http.post('/auth/jwt/create', { username: 'nobody-here', password: 'wrong-password-1' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
  });

  it('requires a username or email', async () => {
    const res = await server.http.post('/auth/jwt/create', { password: 'x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.details[0].path, 'username');
  });

  it('changes the password, keeping this session and ending the others', async () => {
    const user = await signUp(server.http);
    const here = (await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).body;
    const elsewhere = (await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).body;
    const wrong = await server.http.post('/auth/users/set_password', { current_password: 'nope-nope-1', new_password: 'better-pass-2' }, here.access);
    assert.equal(wrong.status, 401);
    const res = await server.http.post('/auth/users/set_password', { current_password: user.password, new_password: 'better-pass-2' }, here.access);
    assert.equal(res.status, 204);
    assert.equal((await server.http.get('/api/me', here.access)).status, 200);
    assert.equal((await server.http.get('/api/me', elsewhere.access)).status, 401);
    assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).status, 401);
    assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: 'better-pass-2' })).status, 200);
  });
});

describe('rate limits on login and sign-up', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_AUTH_PER_ACCOUNT: '3', RATE_LIMIT_AUTH_PER_IP: '12', RATE_LIMIT_AUTH_WINDOW_SECONDS: '60' } });
  });
  after(() => server.close());

  it('limits attempts per account with 429 and Retry-After, and a good login resets the account budget', async () => {
    const user = await signUp(server.http);
    const ok = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal(ok.status, 200);
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 4; i += 1) {
      const res = await server.http.post('/auth/jwt/create', { username: user.username, password: 'guess-number-1' });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assert.ok(limited);
    assert.equal(limited.body.error.code, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // Even the right password is refused while the account is limited.
    assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).status, 429);
  });

  it('gives one account one budget, whether it is named by username or by email', async () => {
    const user = await signUp(server.http);
    const statuses: number[] = [];
    for (const name of [user.username, user.email, user.username.toUpperCase(), user.email]) {
      statuses.push((await server.http.post('/auth/jwt/create', { username: name, password: 'guess-number-2' })).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  it('limits login attempts per IP across accounts, and sign-ups per IP on their own budget', async () => {
    const logins: number[] = [];
    for (let i = 0; i < 13; i += 1) {
      logins.push((await server.http.post('/auth/jwt/create', { username: uniqueName(), password: 'guess-number-1' })).status);
    }
    // 12 allowed per IP; the previous tests spent 10 (every attempt counts, refused ones too).
    assert.deepEqual(logins.slice(0, 2), Array(2).fill(401));
    assert.deepEqual(logins.slice(2), Array(11).fill(429));

    const signUps: number[] = [];
    for (let i = 0; i < 13; i += 1) {
      const name = uniqueName();
      signUps.push((await server.http.post('/auth/users', { username: name, email: `${name}@example.org`, password: 'pass-word-1' })).status);
    }
    // Two sign-ups were spent by the previous tests.
    assert.deepEqual(signUps.slice(0, 10), Array(10).fill(201));
    assert.deepEqual(signUps.slice(10), [429, 429, 429]);
  });
});
