// Without SMTP_URL, activation and reset mail waits in the outbox: no log line at any level
// carries its link, and the operator's command (`npm run mail:outbox`) prints it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { signUp } from '../../helpers/accounts.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs the outbox command the way `npm run mail:outbox` does, against the server's database. */
async function outboxCommand(server: TestServer, ...args: string[]): Promise<string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ENV_FILE: '/nonexistent', DATA_DIR: server.dataDir };
  if (server.config.database.url) env.DATABASE_URL = server.config.database.url;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'server/mail/cli.ts'), ...args], { cwd: root, env });
  return stdout;
}

function linkIn(text: string, page: string, email: string): { uid: string; token: string } {
  const mail = text.split('--- mail ').find((m) => m.includes(`To: ${email}`) && m.includes(`/${page}/`));
  assert.ok(mail, `no ${page} mail to ${email} in:\n${text}`);
  const match = new RegExp(`/${page}/(\\d+)/([A-Za-z0-9_-]+)`).exec(mail);
  assert.ok(match);
  return { uid: match[1] as string, token: match[2] as string };
}

describe('mail without SMTP', function () {
  this.timeout(60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-mail-'));
  const env = { REQUIRE_EMAIL_VERIFICATION: 'true', PUBLIC_URL: 'https://club.example.org', LOG_LEVEL: 'trace' };
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps activation and reset links out of every log line, and the outbox command prints them', async () => {
    // PGlite on disk (the command opens it after the server stops), or the scratch Postgres.
    let server = await startTestServer({ env, dataDir, persistentPglite: !process.env.DATABASE_URL });
    const user = await signUp(server.http);
    const resetFor = await signUp(server.http);
    let out: string;
    let logs: string[];
    try {
      assert.equal((await server.http.post('/auth/users/reset_password', { email: resetFor.email })).status, 204);
      // Positive control that the mail was handled: the dispatcher says mail is waiting.
      assert.ok(server.logs.some((l) => l.includes('mail waiting in the outbox')));
    } finally {
      logs = server.logs;
      if (!process.env.DATABASE_URL) await server.close();
    }
    try {
      out = await outboxCommand(server);
      const activation = linkIn(out, 'activate', user.email);
      const reset = linkIn(out, 'password/reset/confirm', resetFor.email);
      assert.ok(out.includes('https://club.example.org/activate/'));
      const text = logs.join('\n');
      assert.ok(logs.length > 5, 'the server logged');
      for (const secret of [activation.token, reset.token]) assert.ok(!text.includes(secret), `a log line holds the link ${secret.slice(0, 8)}…`);

      // Handing it over empties the list and drops the text.
      assert.match(await outboxCommand(server, '--done', 'all'), /Marked [2-9]\d* mail/);
      assert.match(await outboxCommand(server), /No mail waiting/);

      // The printed link is the real one.
      if (!process.env.DATABASE_URL) server = await startTestServer({ env, dataDir, persistentPglite: true });
      assert.equal((await server.http.post('/auth/users/activation', activation)).status, 204);
      assert.equal((await server.http.post('/auth/jwt/create', { username: user.username, password: user.password })).status, 200);
    } finally {
      await server.close();
    }
  });
});
