import assert from 'node:assert/strict';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('profiles', () => {
  let server: TestServer;
  let me: TestAccount;
  before(async () => {
    server = await startTestServer();
    me = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  it('returns my own profile', async () => {
    const res = await server.http.get('/api/me', me.access);
    assert.equal(res.status, 200);
    assert.equal(res.body.username, me.username);
    assert.equal(res.body.email, me.email);
    assert.deepEqual(res.body.interests, []);
    assert.equal(res.body.email_verified, false);
  });

  it('updates phone, birth date, nickname, bio and interests, and keeps them', async () => {
    const update = { phone: '+44 20 7946 0958', birth_date: '1990-04-23', nickname: 'Bookworm', bio: 'Reads on trains.', interests: ['Mystery', 'poetry', 'mystery'] };
    const res = await server.http.patch('/api/me', update, me.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const again = await server.http.get('/api/me', me.access);
    assert.equal(again.body.phone, update.phone);
    assert.equal(again.body.birth_date, '1990-04-23');
    assert.equal(again.body.nickname, 'Bookworm');
    assert.deepEqual(again.body.interests, ['mystery', 'poetry']);
    // null clears a field.
    assert.equal((await server.http.patch('/api/me', { nickname: null }, me.access)).body.nickname, null);
  });

  it('refuses invalid profile fields with their paths, and changes nothing', async () => {
    const before = (await server.http.get('/api/me', me.access)).body;
    const res = await server.http.patch('/api/me', { birth_date: '2023-02-30', phone: 'call me', interests: 'x', email: 'new@example.org' }, me.access);
    assert.equal(res.status, 400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    assert.deepEqual(paths, ['birth_date', 'email', 'interests', 'phone']);
    assert.deepEqual((await server.http.get('/api/me', me.access)).body, before);
  });

  it('shows a public profile without private fields, and 404 for unknown ids', async () => {
    const other = await signUpAndLogin(server.http);
    await server.http.patch('/api/me', { phone: '+1 555 0100', bio: 'Hello' }, other.access);
    const res = await server.http.get(`/api/users/${other.id}`, me.access);
    assert.equal(res.status, 200);
    assert.equal(res.body.bio, 'Hello');
    for (const hidden of ['email', 'phone', 'birth_date', 'password_hash']) assert.ok(!(hidden in res.body), hidden);
    assert.equal((await server.http.get('/api/users/999999', me.access)).status, 404);
    assert.equal((await server.http.get('/api/users/abc', me.access)).status, 404);
    assert.equal((await server.http.get(`/api/users/${other.id}`)).status, 401);
  });

  it('keeps transcription on by default, and lets me opt out and back in', async () => {
    const account = await signUpAndLogin(server.http);
    assert.equal((await server.http.get('/api/me', account.access)).body.transcription_opt_out, false);
    const res = await server.http.patch('/api/me', { transcription_opt_out: true }, account.access);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.transcription_opt_out, true);
    assert.equal((await server.http.get('/api/me', account.access)).body.transcription_opt_out, true);
    // Other profile updates leave the preference alone.
    assert.equal((await server.http.patch('/api/me', { bio: 'Quiet listener' }, account.access)).body.transcription_opt_out, true);
    assert.equal((await server.http.patch('/api/me', { transcription_opt_out: false }, account.access)).body.transcription_opt_out, false);
  });

  it('does not show the transcription preference on a public profile', async () => {
    const other = await signUpAndLogin(server.http);
    assert.equal((await server.http.patch('/api/me', { transcription_opt_out: true }, other.access)).status, 200);
    const res = await server.http.get(`/api/users/${other.id}`, me.access);
    assert.equal(res.status, 200);
    assert.ok(!('transcription_opt_out' in res.body));
  });

  it('refuses a transcription preference that is not a boolean, and changes nothing', async () => {
    const account = await signUpAndLogin(server.http);
    for (const value of ['true', 1, null]) {
      const res = await server.http.patch('/api/me', { transcription_opt_out: value }, account.access);
      assert.equal(res.status, 400, JSON.stringify(value));
      assert.equal(res.body.error.code, 'validation_failed');
      assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path), ['transcription_opt_out']);
    }
    assert.equal((await server.http.get('/api/me', account.access)).body.transcription_opt_out, false);
  });
});
