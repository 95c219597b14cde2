// The app's frame in a real browser: served at `/`, a page address reloads into the app, the
// language follows the browser and can be switched, and the screen passes axe-core.
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { assertAccessible, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

describe('e2e: the app shell', function () {
  this.timeout(120_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer();
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('opens a deep link in the app, in the browser language, and switches language', async () => {
    const { context, page } = await openPerson(e2e.url, { locale: 'ko-KR', viewport: PHONE });
    contexts.push(context);
    track(page);
    const response = await page.goto('/discover');
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.getByRole('link', { name: '모임 찾기' }).first().waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'ko');
    await page.getByLabel('언어').selectOption('en');
    await page.getByRole('link', { name: 'Discover' }).first().waitFor();
    assert.equal(await page.evaluate("localStorage.getItem('roundtable.locale')"), 'en');
    await assertAccessible(page, 'discover (phone, signed out)');
    await screenshot(page, 'shell-phone-en');
  });

  it('answers API paths with JSON, never with the page', async () => {
    const res = await fetch(`${e2e.url}/api/no-such-endpoint`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const asset = await fetch(`${e2e.url}/favicon.ico`);
    assert.equal(asset.status, 404);
  });
});
