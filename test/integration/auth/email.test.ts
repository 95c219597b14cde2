import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { signUp, uniqueName } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { waitFor } from '../../helpers/wait.js';

interface Link {
  uid: string;
  token: string;
}

function linkIn(text: string, page: string): Link {
  const match = new RegExp(`/${page}/(\\d+)/([A-Za-z0-9_-]+)`).exec(text);
  assert.ok(match, `no ${page} link in: ${text}`);
  return { uid: match[1] as string, token: match[2] as string };
}

interface LoggedMail {
  to: string;
  subject: string;
  text: string;
}

/** The newest mail to `to` waiting in the outbox (where mail stays without SMTP). */
async function deliveredMail(server: TestServer, to: string, subject: RegExp): Promise<LoggedMail> {
  return waitFor(async () => {
    const rows = await server.app.database.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', to).where('sent_at', 'is', null).orderBy('id', 'desc').execute();
    const row = rows.find((r) => subject.test(r.subject));
    return row ? { to: row.recipient, subject: row.subject, text: row.body } : undefined;
  }, `mail to ${to}`);
}

describe('email verification and password reset (no SMTP: the outbox)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { REQUIRE_EMAIL_VERIFICATION: 'true', PUBLIC_URL: 'https://club.example.org' } });
  });
  after(() => server.close());

  it('queues an activation mail at sign-up, keeps it in the outbox, and refuses login until activated', async () => {
    const user = await signUp(server.http);
    const mail = await deliveredMail(server, user.email, /Confirm/);
    assert.ok(mail.text.includes('https://club.example.org/activate/'));
    // Without SMTP the mail waits for the operator (npm run mail:outbox), never in the log.
    assert.ok(!server.logs.join('\n').includes(linkIn(mail.text, 'activate').token));

    const early = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal(early.status, 403);
    assert.equal(early.body.error.code, 'email_not_verified');

    const link = linkIn(mail.text, 'activate');
    assert.equal((await server.http.post('/auth/users/activation', link)).status, 204);
    const login = await server.http.post('/auth/jwt/create', { username: user.username, password: user.password });
    assert.equal(login.status, 200);
    assert.equal((await server.http.get('/api/me', login.body.access)).body.email_verified, true);

    // A link works once.
    const again = await server.http.post('/auth/users/activation', link);
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'invalid_token');
  });

  it('refuses a forged activation token and another user\'s token', async () => {
    const a = await signUp(server.http);
    const b = await signUp(server.http);
    const mail = await deliveredMail(server, a.email, /Confirm/);
    const link = linkIn(mail.text, 'activate');
    assert.equal((await server.http.post('/auth/users/activation', { uid: String(b.id), token: link.token })).status, 400);
    assert.equal((await server.http.post('/auth/users/activation', { uid: link.uid, token: 'A'.repeat(43) })).status, 400);
  });

  it('resends activation with a new link that replaces the old one, silently for unknown addresses', async () => {
    const user = await signUp(server.http);
    const first = linkIn((await deliveredMail(server, user.email, /Confirm/)).text, 'activate');
    assert.equal((await server.http.post('/auth/users/resend_activation', { email: user.email })).status, 204);
    const second = await waitFor(async () => {
      const mail = await deliveredMail(server, user.email, /Confirm/);
      const link = linkIn(mail.text, 'activate');
      return link.token === first.token ? undefined : link;
    }, 'second activation mail');
    assert.equal((await server.http.post('/auth/users/activation', first)).status, 400);
    assert.equal((await server.http.post('/auth/users/activation', second)).status, 204);
    assert.equal((await server.http.post('/auth/users/resend_activation', { email: 'ghost@example.org' })).status, 204);
  });

  it('resets a password by mail: the old password and every session stop working', async () => {
    const user = await signUp(server.http);
    await server.http.post('/auth/users/activation', linkIn((await deliveredMail(server, user.email, /Confirm/)).text, 'activate'));
    const session = (await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).body;

    assert.equal((await server.http.post('/auth/users/reset_password', { email: user.email })).status, 204);
    const link = linkIn((await deliveredMail(server, user.email, /Reset/)).text, 'password/reset/confirm');
    const weak = await server.http.post('/auth/users/reset_password_confirm', { ...link, new_password: user.username });
    assert.equal(weak.status, 400);
    const res = await server.http.post('/auth/users/reset_password_confirm', { ...link, new_password: 'a-fresh-start-9' });
    assert.equal(res.status, 204);

    assert.equal((await server.http.get('/api/me', session.access)).status, 401);
    assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).status, 401);
    assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: 'a-fresh-start-9' })).status, 200);
    assert.equal((await server.http.post('/auth/users/reset_password_confirm', { ...link, new_password: 'another-one-9' })).status, 400);
  });

  it('answers a reset request for an unknown address exactly like a known one, and mails only the known', async () => {
    const user = await signUp(server.http);
    const stranger = `${uniqueName()}@example.org`;
    const known = await server.http.post('/auth/users/reset_password', { email: user.email });
    const unknown = await server.http.post('/auth/users/reset_password', { email: stranger });
    assert.deepEqual([unknown.status, unknown.body, [...unknown.headers.keys()].sort()], [known.status, known.body, [...known.headers.keys()].sort()]);
    await deliveredMail(server, user.email, /Reset/);
    const strangerMail = await server.app.database.db.selectFrom('mail_outbox').select('id').where('recipient', '=', stranger).execute();
    assert.deepEqual(strangerMail, []);
  });

  it('refuses a reset with an invalid link before looking at the account or the new password', async () => {
    const user = await signUp(server.http);
    // A "personal" password would be refused for a real link; with a bad link, only the link is judged.
    const res = await server.http.post('/auth/users/reset_password_confirm', { uid: String(user.id), token: 'B'.repeat(43), new_password: user.email });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_token');
  });
});

describe('email through SMTP (SMTP_URL set)', () => {
  let smtp: SMTPServer;
  let server: TestServer;
  const received: Array<{ to: string; text: string }> = [];

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text: Buffer.concat(chunks).toString() });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Club <club@example.org>' } });
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the activation mail to a real SMTP server, and the link in it activates the account', async () => {
    const user = await signUp(server.http);
    const mail = await waitFor(async () => received.find((m) => m.to === user.email), 'SMTP delivery');
    assert.match(mail.text, /From: Club <club@example.org>/);
    const outbox = await waitFor(
      () => server.app.database.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', user.email).where('sent_at', 'is not', null).executeTakeFirst(),
      'outbox delivery record',
    );
    assert.equal(outbox.delivered_via, 'smtp');
    assert.equal(outbox.body, '');
    const unfolded = mail.text.replace(/=\r?\n/g, '');
    assert.equal((await server.http.post('/auth/users/activation', linkIn(unfolded, 'activate'))).status, 204);
  });
});
