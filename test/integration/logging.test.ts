// Logs carry a request id and never a credential.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, loggableUrl } from '../../shared/logger.js';
import { signUpAndLogin } from '../helpers/accounts.js';
import { startTestServer, TEST_JWT_SECRET } from '../helpers/server.js';

// Long and random: the output holds file paths (stacks), which must never contain one by chance.
const secret = (): string => randomBytes(16).toString('hex');

describe('logs', () => {
  it('redact passwords, tokens and secrets wherever they appear', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => { lines.push(c.toString()); done(); } }));
    const [p1, p2, r1, a1, c1, t1] = [secret(), secret(), secret(), secret(), secret(), secret()] as const;
    logger.info({ password: p1, body: { new_password: p2, refresh: r1 }, req: { headers: { authorization: `Bearer ${a1}`, cookie: c1 } }, deep: { a: { token: t1 } } }, 'x');
    const text = lines.join('');
    for (const leaked of [p1, p2, r1, a1, c1, t1]) assert.ok(!text.includes(leaked), leaked);
    assert.ok(text.includes('[redacted]'));
    assert.equal(loggableUrl('/collab/doc?ticket=abc&x=1'), '/collab/doc?ticket=[redacted]&x=1');
    assert.equal(loggableUrl('/cb?access_token=abc&api_key=k&page=2'), '/cb?access_token=[redacted]&api_key=[redacted]&page=2');
  });

  it('redact other spellings, fields of Error objects, and anything deeper than they walk', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, done) => { lines.push(c.toString()); done(); } }));
    const [e1, e2, k1, k2, k3, k4, d1] = [secret(), secret(), secret(), secret(), secret(), secret(), secret()] as const;
    const message = `boom-${secret()}`;
    const err = Object.assign(new Error(message), { config: { headers: { Authorization: `Bearer ${e1}` } }, password: e2 });
    let deep: Record<string, unknown> = { note: d1 };
    for (let i = 0; i < 12; i += 1) deep = { next: deep };
    logger.error({ err, accessToken: k1, refresh_token: k2, passwordHash: k3, 'x-api-key': k4, deep }, 'x');
    const text = lines.join('');
    for (const leaked of [e1, e2, k1, k2, k3, k4, d1]) assert.ok(!text.includes(leaked), leaked);
    assert.ok(text.includes(message), 'the error message is kept');
  });

  it('of a whole account life contain no password, access or refresh token, or JWT secret', async () => {
    const server = await startTestServer({ env: { LOG_LEVEL: 'trace' } });
    const password = `Sup3r-${secret()}`;
    const wrongPassword = `Wrong-${secret()}`;
    try {
      const account = await signUpAndLogin(server.http, { password });
      const rotated = await server.http.post('/auth/jwt/refresh', { refresh: account.refresh });
      await server.http.get('/api/me', rotated.body.access);
      await server.http.request('GET', `/api/me?token=${rotated.body.access}`);
      await server.http.post('/auth/jwt/create', { username: account.username, password: wrongPassword });
      await server.http.post('/auth/logout-all', undefined, rotated.body.access);
      const text = server.logs.join('\n');
      assert.ok(server.logs.length > 5, 'something was logged');
      for (const leaked of [password, wrongPassword, account.access, account.refresh, rotated.body.access, rotated.body.refresh, TEST_JWT_SECRET]) {
        assert.ok(!text.includes(leaked), `log leaked ${leaked.slice(0, 12)}…`);
      }
    } finally {
      await server.close();
    }
  });

  it('tag every request with an id, echoed in X-Request-Id, and keep a safe incoming one', async () => {
    const server = await startTestServer();
    try {
      const res = await server.http.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
      assert.equal(res.headers.get('x-request-id'), 'trace-abc-123');
      const unsafe = await server.http.request('GET', '/healthz', { headers: { 'x-request-id': 'not/a safe id' } });
      assert.match(unsafe.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const line = server.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === 'trace-abc-123');
      assert.ok(line);
      assert.equal(line.status, 200);
    } finally {
      await server.close();
    }
  });
});
