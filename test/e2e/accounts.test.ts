// The account screens in a real browser against a real server: sign up (and activate through the
// mailed link), log in, edit the profile, log out, reset a forgotten password; and one person's
// two tabs renewing short-lived tokens together stay logged in.
import assert from 'node:assert/strict';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { signUpAndLogin } from '../helpers/accounts.js';
import { openPerson, requireBrowser, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

const SESSION_KEY = 'roundtable.session';

function issuedAt(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat: number };
  return payload.iat;
}
const WAIT = { timeout: 20_000 };

describe('e2e: two tabs of one person renewing tokens', function () {
  this.timeout(240_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    // The shortest access token the server allows, so renewals come every few seconds.
    e2e = await startE2EServer({ env: { ACCESS_TOKEN_TTL_SECONDS: '30' } });
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('keeps both tabs logged in while they renew at the same time, and never spends a refresh token twice', async () => {
    const person = await signUpAndLogin(e2e.server.http);
    const { context, page: first } = await openPerson(e2e.url);
    contexts.push(context);
    const pair = JSON.stringify({ access: person.access, refresh: person.refresh });
    // Only the first page load of the context gets the pair; later loads must keep what the tabs stored.
    await context.addInitScript(`if (!localStorage.getItem(${JSON.stringify(SESSION_KEY)})) localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(pair)});`);
    const second = await context.newPage();
    const pages: Page[] = [track(first), track(second)];

    const refreshes: Response[] = [];
    let renewed = 0;
    let notify = (): void => undefined;
    context.on('response', (response) => {
      if (!response.url().endsWith('/auth/jwt/refresh')) return;
      refreshes.push(response);
      if (response.status() === 200) renewed += 1;
      notify();
    });
    const renewals = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${renewed} renewals of ${count}`)), 150_000);
        notify = () => {
          if (refreshes.some((r) => r.status() !== 200) || renewed >= count) {
            clearTimeout(timer);
            resolve();
          }
        };
        notify();
      });

    for (const page of pages) {
      await page.goto('/settings');
      await page.getByRole('link', { name: new RegExp(person.username) }).waitFor(WAIT);
    }
    // Three renewals span more than two lifetimes of the first access token.
    await renewals(3);
    const statuses = await Promise.all(refreshes.map(async (r) => `${r.status()} ${r.status() === 200 ? '' : await r.text()}`));
    assert.ok(statuses.every((s) => s.startsWith('200')), `refresh answers: ${statuses.join(', ')}`);
    assert.ok(!e2e.server.logs.some((line) => line.includes('refresh_token_reuse')), 'the server saw a refresh token spent twice');
    // One renewal per token life for the whole browser: a tab that waited for another's renewal
    // adopts the new pair instead of renewing again at once (each extra renewal is another
    // chance to race). Issue times of consecutive access tokens lie a good part of a life apart.
    const issued = (await Promise.all(refreshes.map(async (r) => issuedAt(((await r.json()) as { access: string }).access)))).sort((a, b) => a - b);
    const gaps = issued.slice(1).map((at, i) => at - (issued[i] as number));
    assert.ok(gaps.every((gap) => gap >= 10), `seconds between renewals: ${gaps.join(', ')}`);

    // Both tabs still work: an authed call through the app's own client, and the name in the header.
    for (const page of pages) {
      const status = await page.evaluate<number>(`fetch('/api/me', { headers: { authorization: 'Bearer ' + JSON.parse(localStorage.getItem(${JSON.stringify(SESSION_KEY)})).access } }).then((r) => r.status)`);
      assert.equal(status, 200);
      await page.reload();
      await page.getByRole('link', { name: new RegExp(person.username) }).waitFor(WAIT);
    }
  });
});

