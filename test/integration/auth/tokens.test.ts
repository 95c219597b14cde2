// Every way a token can be wrong is refused with 401 and its own stable code.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../../helpers/server.js';

const secret = Buffer.from(TEST_JWT_SECRET);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decodeJwt = (token: string) => jwt.decode(token, { json: true }) ?? assert.fail('not a JWT');

async function expectRejected(server: TestServer, token: string, code: string) {
  const res = await server.http.get('/api/me', token);
  assert.equal(res.status, 401, `expected 401 ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
}

/** A token exactly like the server's, with chosen changes. */
function forge(account: TestAccount, changes: { payload?: JwtPayload; key?: Buffer } = {}) {
  const real = decodeJwt(account.access);
  const now = Math.floor(Date.now() / 1000);
  const payload = { sid: real.sid, sub: String(account.id), iss: 'roundtable', aud: 'roundtable', iat: now, nbf: now, exp: now + 600, ...changes.payload };
  return jwt.sign(payload, changes.key ?? secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt' } });
}

describe('access and refresh tokens', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer();
    account = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  it('accepts the genuine access token, and a forged one that matches it exactly', async () => {
    assert.equal((await server.http.get('/api/me', account.access)).status, 200);
    // Proves forge() builds valid tokens, so each rejection below is due to its one change.
    assert.equal((await server.http.get('/api/me', forge(account))).status, 200);
  });

  it('refuses a request without a token, and a malformed Authorization header', async () => {
    const none = await server.http.get('/api/me');
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'token_missing');
    const odd = await server.http.request('GET', '/api/me', { headers: { authorization: 'Basic abc' } });
    assert.equal(odd.status, 401);
    assert.equal(odd.body.error.code, 'token_malformed');
  });

  it('refuses alg "none"', async () => {
    const real = decodeJwt(account.access);
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(real)}.`;
    await expectRejected(server, unsigned, 'token_algorithm_invalid');
  });

  it('refuses a token signed with another algorithm (RS256) even with a valid signature', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const real = decodeJwt(account.access);
    const token = jwt.sign(real, privateKey, { algorithm: 'RS256', header: { alg: 'RS256', typ: 'at+jwt' } });
    await expectRejected(server, token, 'token_algorithm_invalid');
  });

  it('refuses a token signed with the wrong key', async () => {
    const token = forge(account, { key: Buffer.from('another-secret-of-sufficient-length-000000') });
    await expectRejected(server, token, 'token_signature_invalid');
  });

  it('refuses a tampered payload (another user id under the original signature)', async () => {
    const [header, payload, signature] = account.access.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${b64({ ...claims, sub: String(account.id + 1) })}.${signature}`;
    await expectRejected(server, tampered, 'token_signature_invalid');
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRejected(server, forge(account, { payload: { iat: past - 900, nbf: past - 900, exp: past } }), 'token_expired');
  });

  it('refuses a token that is not valid yet', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    await expectRejected(server, forge(account, { payload: { nbf: future } }), 'token_not_yet_valid');
  });

  it('refuses a wrong audience and a wrong issuer', async () => {
    await expectRejected(server, forge(account, { payload: { aud: 'another-service' } }), 'token_audience_invalid');
    await expectRejected(server, forge(account, { payload: { iss: 'https://evil.example' } }), 'token_issuer_invalid');
  });

  it('refuses a refresh token used as an access token, and an access token used to refresh', async () => {
    await expectRejected(server, account.refresh, 'token_type_invalid');
    const res = await server.http.post('/auth/jwt/refresh', { refresh: account.access });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'token_type_invalid');
  });

  it('rotates refresh tokens; reusing a spent one revokes the whole session and its descendants', async () => {
    const victim = await signUpAndLogin(server.http);
    const first = await server.http.post('/auth/jwt/refresh', { refresh: victim.refresh });
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refresh, victim.refresh);
    const second = await server.http.post('/auth/jwt/refresh', { refresh: first.body.refresh });
    assert.equal(second.status, 200);
    assert.equal((await server.http.get('/api/me', second.body.access)).status, 200);

    // An attacker replays the very first refresh token.
    const replay = await server.http.post('/auth/jwt/refresh', { refresh: victim.refresh });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'token_reused');

    // Every descendant is dead: the newest refresh token and the access tokens of the session.
    const descendant = await server.http.post('/auth/jwt/refresh', { refresh: second.body.refresh });
    assert.equal(descendant.status, 401);
    assert.equal(descendant.body.error.code, 'token_revoked');
    await expectRejected(server, second.body.access, 'token_revoked');
    await expectRejected(server, victim.access, 'token_revoked');
  });

  it('keeps the session absolute lifetime across rotations', async () => {
    const user = await signUpAndLogin(server.http);
    const rotated = await server.http.post('/auth/jwt/refresh', { refresh: user.refresh });
    assert.equal(decodeJwt(rotated.body.refresh).exp, decodeJwt(user.refresh).exp);
    assert.ok((decodeJwt(user.refresh).exp ?? 0) - Math.floor(Date.now() / 1000) <= 30 * 24 * 3600);
  });

  it('logout ends the session: its access and refresh tokens stop working at once', async () => {
    const user = await signUpAndLogin(server.http);
    const other = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal((await server.http.post('/auth/logout', {}, user.access)).status, 204);
    await expectRejected(server, user.access, 'token_revoked');
    const refresh = await server.http.post('/auth/jwt/refresh', { refresh: user.refresh });
    assert.equal(refresh.body.error.code, 'token_revoked');
    // Another session of the same user is untouched.
    assert.equal((await server.http.get('/api/me', other.body.access)).status, 200);
  });

  it('logout-all kills every live access token of the user', async () => {
    const user = await signUpAndLogin(server.http);
    const phone = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal((await server.http.get('/api/me', phone.body.access)).status, 200);
    assert.equal((await server.http.post('/auth/logout-all', undefined, user.access)).status, 204);
    await expectRejected(server, user.access, 'token_revoked');
    await expectRejected(server, phone.body.access, 'token_revoked');
    assert.equal((await server.http.post('/auth/jwt/refresh', { refresh: phone.body.refresh })).body.error.code, 'token_revoked');
    // Logging in again works.
    const again = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal((await server.http.get('/api/me', again.body.access)).status, 200);
  });

  it('verifies tokens at /auth/jwt/verify', async () => {
    assert.equal((await server.http.post('/auth/jwt/verify', { token: account.access })).status, 200);
    assert.equal((await server.http.post('/auth/jwt/verify', { token: 'x.y.z' })).body.error.code, 'token_malformed');
  });
});

describe('ES256 signing keys', () => {
  let server: TestServer;
  let account: TestAccount;
  let publicPem: string;

  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-keys-'));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    fs.writeFileSync(path.join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(path.join(dir, 'public.pem'), publicPem);
    server = await startTestServer({
      env: { JWT_PRIVATE_KEY_FILE: path.join(dir, 'private.pem'), JWT_PUBLIC_KEY_FILE: path.join(dir, 'public.pem') },
    });
    account = await signUpAndLogin(server.http);
  });
  after(() => server.close());

  it('issues ES256 tokens and accepts them', async () => {
    const header = JSON.parse(Buffer.from(account.access.split('.')[0] as string, 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.equal((await server.http.get('/api/me', account.access)).status, 200);
  });

  it('refuses HS256 tokens signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    const token = forge(account, { key: Buffer.from(publicPem) });
    await expectRejected(server, token, 'token_algorithm_invalid');
  });

  it('refuses HS256 tokens signed with the configured JWT_SECRET too: only ES256 is accepted', async () => {
    await expectRejected(server, forge(account), 'token_algorithm_invalid');
  });
});

describe('an Ed25519 key pair', () => {
  it('stops startup with a configuration error that names the setting and the fix', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-keys-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.writeFileSync(path.join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(path.join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const env = { JWT_PRIVATE_KEY_FILE: path.join(dir, 'private.pem'), JWT_PUBLIC_KEY_FILE: path.join(dir, 'public.pem') };
    await assert.rejects(startTestServer({ env }), (err: Error) => {
      assert.equal(err.name, 'ConfigError');
      assert.match(err.message, /JWT_PRIVATE_KEY_FILE: holds an ed25519 key, but EdDSA is not supported; .*P-256/);
      return true;
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
