// Socket.IO connections: who may connect, from where, and what ends a connection
// (token expiry without refresh, logout, logout-all).
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { TokenService } from '../../../shared/auth/tokens.js';
import { signUpAndLogin, type TestAccount } from '../../helpers/accounts.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../../helpers/server.js';
import { closeSockets, connect, disconnected, fails, nextEvent, noneBefore, ok, refusal, roundTrip, type TestSocket } from '../../helpers/sockets.js';

const ORIGIN = 'https://club.example.org';

/** An access token for a real session that expires after `seconds` (the server's TTL is at least 30 s). */
function shortLivedToken(account: TestAccount, seconds: number): Promise<string> {
  const tokens = new TokenService({
    issuer: 'roundtable',
    audience: 'roundtable',
    accessTtlSeconds: seconds,
    refreshTtlSeconds: 3600,
    keys: { alg: 'HS256', secret: new TextEncoder().encode(TEST_JWT_SECRET) },
  });
  return tokens.signAccess(account.id, String(jwt.decode(account.access, { json: true })?.sid));
}

describe('signaling: connecting', function () {
  let server: TestServer;
  let reader: TestAccount;
  const open: TestSocket[] = [];
  const track = (socket: TestSocket) => (open.push(socket), socket);

  before(async () => {
    server = await startTestServer({ env: { ALLOWED_ORIGINS: ORIGIN } });
    reader = await signUpAndLogin(server.http);
  });
  afterEach(() => closeSockets(...open.splice(0)));
  after(() => server.close());

  it('connects with an access token on the same port as the REST API, from an allowed origin', async () => {
    const socket = track(await connect(server.url, reader.access, { origin: ORIGIN }));
    assert.equal(socket.connected, true);
    // Polling (the fallback transport) works on the same port too.
    const polling = track(await connect(server.url, reader.access, { transports: ['polling'], origin: ORIGIN }));
    assert.equal(polling.connected, true);
  });

  it('refuses a handshake without a token, with a bad one, or a refresh token, saying why', async () => {
    assert.equal((await refusal(server.url, null)).code, 'token_missing');
    assert.equal((await refusal(server.url, '')).code, 'token_missing');
    assert.equal((await refusal(server.url, 'not.a.jwt')).code, 'token_malformed');
    const [header, payload] = reader.access.split('.');
    assert.equal((await refusal(server.url, `${header}.${payload}.AAAA`)).code, 'token_signature_invalid');
    assert.equal((await refusal(server.url, reader.refresh)).code, 'token_type_invalid');
    const missing = await refusal(server.url, null);
    assert.match(missing.message, /auth: \{token/);
  });

  it('refuses an expired token and a revoked session', async () => {
    const expired = await shortLivedToken(reader, -60);
    assert.equal((await refusal(server.url, expired)).code, 'token_expired');
    const account = await signUpAndLogin(server.http);
    assert.equal((await server.http.post('/auth/logout', undefined, account.access)).status, 204);
    assert.equal((await refusal(server.url, account.access)).code, 'token_revoked');
  });

  it('refuses an origin that ALLOWED_ORIGINS does not list', async () => {
    const refused = await refusal(server.url, reader.access, { origin: 'https://evil.example' });
    assert.equal(refused.code, 'forbidden');
    assert.match(refused.message, /Origin https:\/\/evil\.example is not allowed/);
    const pollingRefused = await refusal(server.url, reader.access, { origin: 'https://evil.example', transports: ['polling'] });
    assert.equal(pollingRefused.code, 'forbidden');
  });

  it("accepts the server's own origin even when ALLOWED_ORIGINS does not list it (the client it serves)", async () => {
    const sameOrigin = new URL(server.url).origin;
    assert.ok(!server.config.http.allowedOrigins.includes(sameOrigin), 'the test needs an origin outside the list');
    const socket = track(await connect(server.url, reader.access, { origin: sameOrigin }));
    assert.ok(socket.connected);
    const lookalike = await refusal(server.url, reader.access, { origin: `${sameOrigin.replace('127.0.0.1', '127.0.0.2')}` });
    assert.equal(lookalike.code, 'forbidden');
  });

  it('tells a socket whose token expires without a refresh, then disconnects it', async () => {
    const token = await shortLivedToken(reader, 2);
    const socket = track(await connect(server.url, token));
    const started = Date.now();
    const told = nextEvent(socket, 'auth:expired', undefined, 5000);
    const gone = disconnected(socket, 6000);
    assert.match((await told).message, /expired/);
    assert.equal(await gone, 'io server disconnect');
    const elapsed = Date.now() - started;
    assert.ok(elapsed > 1000 && elapsed < 3500, `expired after ${elapsed} ms`);
  });

  it('auth:refresh swaps in a fresh token and keeps the socket past the old expiry', async () => {
    const socket = track(await connect(server.url, await shortLivedToken(reader, 2)));
    const reply = await ok(socket, 'auth:refresh', { token: reader.access });
    assert.ok(Date.parse(reply.expires_at) > Date.now() + 60_000);
    // A socket opened after it with a token as short, and not refreshed, expires; by then the
    // refreshed socket, asked something after that, had heard nothing.
    const control = track(await connect(server.url, await shortLivedToken(reader, 2)));
    await noneBefore(socket, 'auth:expired', async () => {
      await nextEvent(control, 'auth:expired', undefined, 5000);
      await roundTrip(socket);
    });
    assert.equal(socket.connected, true);
  });

  it('auth:refresh refuses a bad token, another user\'s token, and keeps the socket', async () => {
    const socket = track(await connect(server.url, reader.access));
    assert.equal((await fails(socket, 'auth:refresh', { token: 'garbage' })).code, 'token_malformed');
    const other = await signUpAndLogin(server.http);
    assert.equal((await fails(socket, 'auth:refresh', { token: other.access })).code, 'forbidden');
    assert.equal((await fails(socket, 'auth:refresh', { token: reader.refresh })).code, 'token_type_invalid');
    assert.equal(socket.connected, true);
  });

  it('logout closes that session\'s sockets; logout-all closes every socket of the user', async () => {
    const account = await signUpAndLogin(server.http);
    const tablet = (await server.http.post('/auth/jwt/create', { username: account.username, password: account.password })).body as { access: string };
    const laptop1 = track(await connect(server.url, account.access));
    const laptop2 = track(await connect(server.url, account.access));
    const tabletSocket = track(await connect(server.url, tablet.access));

    const revoked = nextEvent(laptop1, 'auth:revoked');
    assert.equal((await server.http.post('/auth/logout', undefined, account.access)).status, 204);
    assert.equal((await revoked).reason, 'logout');
    await disconnected(laptop1);
    await disconnected(laptop2);
    assert.equal(tabletSocket.connected, true, 'another session stays');

    const started = Date.now();
    const gone = disconnected(tabletSocket);
    assert.equal((await server.http.post('/auth/logout-all', undefined, tablet.access)).status, 204);
    await gone;
    assert.ok(Date.now() - started < 1000);
  });

  it('counts its connections and closes cleanly with sockets open', async () => {
    const socket = track(await connect(server.url, reader.access));
    assert.ok(server.app.signaling.connectionCount >= 1);
    assert.equal(socket.connected, true);
  });
});
