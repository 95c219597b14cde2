// The account screens in a real browser against a real server: sign up (and activate through the
// mailed link), log in, edit the profile, log out, reset a forgotten password; and one person's
// two tabs renewing short-lived tokens together stay logged in.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { signUpAndLogin } from '../helpers/accounts.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, untilTrueInPage, type E2EServer } from './harness.js';

const SESSION_KEY = 'roundtable.session';
/** The Web Lock under which the client refreshes (web/src/api/session.ts). */
const REFRESH_LOCK = 'roundtable.refresh';
/** Its stand-in where Web Locks are missing: a lease record in the session's IndexedDB store. */
function leaseScript(change: 'hold' | 'free'): string {
  const write = change === 'hold' ? "store.put({ owner: 'holder', until: Date.now() + 60000, at: Date.now() }, 'lease:refresh')" : "store.delete('lease:refresh')";
  return `new Promise((done, fail) => {
    const open = indexedDB.open('roundtable.session', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('trades');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('trades', 'readwrite');
      const store = tx.objectStore('trades');
      ${write};
      tx.oncomplete = () => { db.close(); done(); };
      tx.onerror = () => fail(tx.error);
    };
  })`;
}

function issuedAt(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iat: number };
  return payload.iat;
}
const WAIT = { timeout: 20_000 };

describe('e2e: sessions (30-second access tokens, addresses need no confirming)', function () {
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

  /**
   * A new person's browser with two tabs that start logged in as them: with their own pair, or
   * with an access token the server refuses (a wrong signature) beside their refresh token.
   * `initScripts` run in every page before the session is stored.
   */
  const twoTabs = async (access: 'valid' | 'refused', initScripts: string[] = []) => {
    const person = await signUpAndLogin(e2e.server.http);
    const [head, body] = person.access.split('.');
    const pair = JSON.stringify({ access: access === 'valid' ? person.access : `${head}.${body}.${'A'.repeat(43)}`, refresh: person.refresh });
    const { context, page: first } = await openPerson(e2e.url);
    contexts.push(context);
    for (const script of initScripts) await context.addInitScript(script);
    // Only the first page load of the context gets the pair; later loads must keep what the tabs stored.
    await context.addInitScript(`if (!localStorage.getItem(${JSON.stringify(SESSION_KEY)})) localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(pair)});`);
    const second = await context.newPage();
    return { person, context, first, second };
  };

  it('keeps both tabs logged in while they renew at the same time, and never spends a refresh token twice', async () => {
    const { person, context, first, second } = await twoTabs('valid');
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
  it('keeps both tabs logged in when both meet a rejected access token at once, spending the refresh token once', async () => {
    // Each round: two tabs open with an access token the server refuses (a wrong signature), so
    // both ask for a refresh. A third tab holds the app's refresh lock until both wait for it,
    // then lets go: one renews, and the other, granted the lock right after, must adopt its pair.
    for (let round = 0; round < 12; round++) {
      const { person, context, first, second } = await twoTabs('refused');
      const answers: Array<Promise<number>> = [];
      let failed = (_why: string): void => undefined;
      const failure = new Promise<string>((resolve) => (failed = resolve));
      context.on('response', (response) => {
        if (!response.url().endsWith('/auth/jwt/refresh')) return;
        answers.push(
          response.text().then((text) => {
            if (response.status() !== 200) failed(`round ${round}: refresh answered ${response.status()} ${text}`);
            return response.status();
          }),
        );
      });
      const named = (page: Page) => page.getByRole('link', { name: new RegExp(person.username) }).waitFor(WAIT);
      const holder = await context.newPage();
      await holder.goto('/api/no-such-endpoint'); // same origin, no app on it
      await holder.evaluate(`new Promise((held) => navigator.locks.request(${JSON.stringify(REFRESH_LOCK)}, () => new Promise((release) => { window.release = release; held(); })))`);
      await Promise.all([first.goto('/password/reset'), second.goto('/password/reset')]);
      await holder.evaluate(`new Promise((ready) => { const check = () => navigator.locks.query().then((s) => (s.pending.length >= 2 ? ready() : setTimeout(check, 20))); check(); })`);
      await holder.evaluate('window.release()');
      const outcome = await Promise.race([Promise.all([named(first), named(second)]).then(() => 'both named'), failure]);
      assert.equal(outcome, 'both named');
      assert.deepEqual(await Promise.all(answers), [200], `round ${round}: one renewal for both tabs`);
      assert.equal((await e2e.server.http.get('/api/me', JSON.parse(String(await second.evaluate(`localStorage.getItem(${JSON.stringify(SESSION_KEY)})`))).access)).status, 200);
      await context.close();
    }
    assert.ok(!e2e.server.logs.some((line) => line.includes('refresh_token_reuse')), 'the server saw a refresh token spent twice');
  });
  it('without Web Locks (plain http on a LAN), two tabs refreshing at once still spend the refresh token once', async () => {
    for (let round = 0; round < 12; round++) {
      // Web Locks exist only in secure contexts; a LAN address over http has none.
      const { person, context, first, second } = await twoTabs('refused', ["Object.defineProperty(Navigator.prototype, 'locks', { configurable: true, get: () => undefined });"]);
      const answers: Array<Promise<number>> = [];
      let failed = (_why: string): void => undefined;
      const failure = new Promise<string>((resolve) => (failed = resolve));
      let rejected = 0;
      let bothRejected = (): void => undefined;
      const bothWaiting = new Promise<void>((resolve) => (bothRejected = resolve));
      context.on('response', (response) => {
        if (response.url().endsWith('/api/me') && response.status() === 401 && ++rejected === 2) bothRejected();
        if (!response.url().endsWith('/auth/jwt/refresh')) return;
        answers.push(
          response.text().then((text) => {
            if (response.status() !== 200) failed(`round ${round}: refresh answered ${response.status()} ${text}`);
            return response.status();
          }),
        );
      });
      // A third tab holds the client's fallback lease until both tabs have met the refused token,
      // then lets go, so both contend for it together.
      const holder = await context.newPage();
      await holder.goto('/api/no-such-endpoint');
      await holder.evaluate(leaseScript('hold'));
      await Promise.all([first.goto('/password/reset'), second.goto('/password/reset')]);
      await Promise.race([bothWaiting, failure]);
      await holder.evaluate(leaseScript('free'));
      const named = (page: Page) => page.getByRole('link', { name: new RegExp(person.username) }).waitFor(WAIT);
      const outcome = await Promise.race([Promise.all([named(first), named(second)]).then(() => 'both named'), failure]);
      assert.equal(outcome, 'both named');
      assert.deepEqual(await Promise.all(answers), [200], `round ${round}: one renewal for both tabs`);
      await context.close();
    }
    assert.ok(!e2e.server.logs.some((line) => line.includes('refresh_token_reuse')), 'the server saw a refresh token spent twice');
  });
  it('signs up and is logged in at once when the server does not ask to confirm the address', async () => {
    const who = newPerson();
    const { context, page } = await openPerson(e2e.url);
    contexts.push(context);
    track(page);
    await page.goto('/signup');
    await page.getByLabel('Username', { exact: true }).fill(who.username);
    await page.getByLabel('Email', { exact: true }).fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText(`Welcome, ${who.username}! Your account is ready.`).waitFor(WAIT);
    await page.getByRole('link', { name: new RegExp(who.username) }).waitFor(WAIT);
    assert.equal(new URL(page.url()).pathname, '/');
    await context.close();
  });
});


/** The newest link of `page` ("activate", "password/reset/confirm") mailed to `email`, from the outbox table. */
async function mailedLink(e2e: E2EServer, email: string, page: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  // Reset mail is queued just after the request answers: wait until it is there.
  for (;;) {
    const rows = await e2e.server.app.database.db.selectFrom('mail_outbox').select(['body']).where('recipient', '=', email).orderBy('id', 'desc').execute();
    for (const row of rows) {
      const match = new RegExp(`/${page}/(\\d+)/([A-Za-z0-9_-]+)`).exec(row.body);
      if (match) return match[0];
    }
    if (Date.now() > deadline) throw new Error(`no ${page} mail to ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function newPerson() {
  const username = `reader${randomBytes(6).toString('hex')}`;
  return { username, email: `${username}@example.org`, password: `pw-${randomBytes(16).toString('hex')}` };
}

describe('e2e: account screens', function () {
  this.timeout(240_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer({ env: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('signs up, confirms the address from the mail, logs in, edits the profile, logs out, resets the password', async () => {
    const who = newPerson();
    const { context, page } = await openPerson(e2e.url);
    contexts.push(context);
    track(page);

    // Sign up, with the rules ticked as the password grows.
    await page.goto('/signup');
    await page.getByLabel('Username', { exact: true }).fill(who.username);
    await page.getByLabel('Email', { exact: true }).fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.locator('[data-rule="letter"][data-met="true"]').waitFor(WAIT);
    assert.equal(await page.locator('[data-rule="length"]').getAttribute('data-met'), 'false');
    await page.getByLabel('Password', { exact: true }).fill(who.username);
    await page.locator('[data-rule="notPersonal"][data-met="false"]').waitFor(WAIT);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.locator('[data-met="false"]').waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('First name (optional)').fill('Ada');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor(WAIT);

    // The same username again is said under its field.
    const { context: other, page: second } = await openPerson(e2e.url);
    contexts.push(other);
    track(second);
    await second.goto('/signup');
    await second.getByLabel('Username', { exact: true }).fill(who.username);
    await second.getByLabel('Email', { exact: true }).fill(`x${who.email}`);
    await second.getByLabel('Password', { exact: true }).fill(who.password);
    await second.getByRole('button', { name: 'Create account' }).click();
    await second.getByText('A user with that username already exists', { exact: false }).or(second.locator('.field-error')).first().waitFor(WAIT);
    assert.equal(await second.getByLabel('Username', { exact: true }).getAttribute('aria-invalid'), 'true');
    await other.close();

    // Logging in before confirming says so, and offers the link again.
    await page.goto('/login?next=%2Fsettings');
    await page.getByLabel('Username or email').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.getByText('a new link is on its way').waitFor(WAIT);

    // The mailed link confirms the address.
    const activation = await mailedLink(e2e, who.email, 'activate');
    await page.goto(activation);
    await page.getByText('Your email address is confirmed').waitFor(WAIT);
    // A link works once; the second visit says so in words.
    await page.goto(activation);
    await page.getByText('This link does not work any more').waitFor(WAIT);
    await page.getByRole('link', { name: 'Go to log in' }).click();

    // A wrong password in words, then the right one; `next` is followed.
    await page.getByLabel('Username or email').fill(who.username);
    await page.getByLabel('Password', { exact: true }).fill(`${who.password}x`);
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.getByText('That username or password is not right.').waitFor(WAIT);
    await page.goto('/login?next=%2Fsettings');
    await page.getByLabel('Username or email').fill(who.username);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.getByRole('heading', { name: 'Profile and settings' }).waitFor(WAIT);
    assert.equal(new URL(page.url()).pathname, '/settings');
    await page.getByRole('link', { name: new RegExp(who.username) }).waitFor(WAIT);

    // An edit not yet saved survives a reload; saving shows the new name in the header.
    const nickname = `Ada ${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Nickname').fill(nickname);
    await page.getByLabel('About you').fill('Reads Russian novels slowly.');
    await page.reload();
    await page.getByText('You have changes that are not saved yet.').waitFor(WAIT);
    assert.equal(await page.getByLabel('Nickname').inputValue(), nickname);
    await page.getByLabel('Add interest').fill('Poetry');
    await page.getByLabel('Add interest').press('Enter');
    await page.getByRole('button', { name: 'Remove poetry' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor(WAIT);
    await page.getByRole('link', { name: new RegExp(nickname) }).waitFor(WAIT);
    const saved = await e2e.server.http.post('/auth/jwt/create', { username: who.username, password: who.password });
    const profile = await e2e.server.http.get('/api/me', saved.body.access);
    assert.equal(profile.body.nickname, nickname);
    assert.deepEqual(profile.body.interests, ['poetry']);

    // The transcription opt-out is saved at once.
    await page.getByRole('switch', { name: 'Leave my voice out of meeting transcripts' }).click();
    await page.getByText('Your voice is left out of transcripts.').waitFor(WAIT);
    assert.equal((await e2e.server.http.get('/api/me', saved.body.access)).body.transcription_opt_out, true);

    // Changing the password: a wrong current one is said under its field; then other sessions end.
    await page.getByLabel('Current password').fill(`${who.password}x`);
    const changed = `changed-${randomBytes(16).toString('hex')}`;
    await page.getByLabel('New password').fill(changed);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('That is not your current password.').waitFor(WAIT);
    // Focus is on the refused field (its words tied to it), not dropped with the disabled button.
    const currentId = await page.getByLabel('Current password').getAttribute('id');
    await untilTrueInPage(page, `document.activeElement?.id === ${JSON.stringify(currentId)}`);
    await page.getByLabel('Current password').fill(who.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions have been logged out.').waitFor(WAIT);
    assert.equal((await e2e.server.http.get('/api/me', saved.body.access)).status, 401);
    await page.reload();
    await page.getByRole('link', { name: new RegExp(nickname) }).waitFor(WAIT);

    // Log out.
    await page.getByRole('button', { name: 'Log out', exact: true }).last().click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor(WAIT);
    await page.getByRole('link', { name: 'Sign up' }).waitFor(WAIT);

    // Forgot the password: the mailed link sets a new one, which then logs in.
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(who.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('a link to reset the password is on its way').waitFor(WAIT);
    const fresh = `new-${randomBytes(16).toString('hex')}`;
    await page.goto(await mailedLink(e2e, who.email, 'password/reset/confirm'));
    await page.getByLabel('New password').fill(fresh);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('Your password is changed').waitFor(WAIT);
    await page.getByRole('link', { name: 'Go to log in' }).waitFor(WAIT);
    // A `next` naming another site is not followed.
    await page.goto(`/login?next=${encodeURIComponent('//example.org/elsewhere')}`);
    await page.getByLabel('Username or email').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(fresh);
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.getByRole('link', { name: new RegExp(nickname) }).waitFor(WAIT);
    assert.equal(new URL(page.url()).origin, e2e.url);

    // Logged out from elsewhere: the login page says why.
    const elsewhere = await e2e.server.http.post('/auth/jwt/create', { username: who.username, password: fresh });
    assert.equal((await e2e.server.http.post('/auth/logout-all', undefined, elsewhere.body.access)).status, 204);
    await page.goto('/settings');
    await page.getByText('You were logged out. Please log in again.').waitFor(WAIT);
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  it('looks right and passes axe: login, sign-up with rules half met, settings (en and ko desktop, phone)', async () => {
    // A confirmed account to show the settings of.
    const who = newPerson();
    assert.equal((await e2e.server.http.post('/auth/users', { ...who, first_name: 'Jiwoo' })).status, 201);
    const link = await mailedLink(e2e, who.email, 'activate');
    const [, uid, token] = /\/activate\/(\d+)\/(.+)$/.exec(link) ?? [];
    assert.equal((await e2e.server.http.post('/auth/users/activation', { uid, token })).status, 204);
    const runs = [
      { name: 'en-desktop', locale: 'en-US', viewport: DESKTOP, login: 'Log in', signup: 'Create your account', settings: 'Profile and settings' },
      { name: 'ko-desktop', locale: 'ko-KR', viewport: DESKTOP, login: '로그인', signup: '계정 만들기', settings: '프로필과 설정' },
      { name: 'ko-phone', locale: 'ko-KR', viewport: PHONE, login: '로그인', signup: '계정 만들기', settings: '프로필과 설정' },
    ] as const;
    for (const run of runs) {
      const { context, page } = await openPerson(e2e.url, { locale: run.locale, viewport: run.viewport });
      contexts.push(context);
      track(page);
      await page.goto('/login');
      await page.getByRole('heading', { name: run.login }).waitFor(WAIT);
      await screenshot(page, `account-login-${run.name}`);
      await assertAccessible(page, `login (${run.name})`);

      await page.goto('/signup');
      await page.getByRole('heading', { name: run.signup }).waitFor(WAIT);
      await page.locator('input[name="username"]').fill('mina');
      await page.locator('input[name="email"]').fill('mina@example.org');
      await page.locator('input[name="password"]').fill('bookclub');
      await page.locator('[data-rule="letter"][data-met="true"]').waitFor(WAIT);
      await screenshot(page, `account-signup-${run.name}`);
      await assertAccessible(page, `signup (${run.name})`);

      const pair = await e2e.server.http.post('/auth/jwt/create', { username: who.username, password: who.password });
      await page.evaluate(`localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(JSON.stringify(pair.body))})`);
      await page.goto('/settings');
      await page.getByRole('heading', { name: run.settings }).waitFor(WAIT);
      await page.locator('input[name="nickname"]').waitFor(WAIT);
      await screenshot(page, `account-settings-${run.name}`);
      await assertAccessible(page, `settings (${run.name})`);
      await context.close();
    }
  });
});
