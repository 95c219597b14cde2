// Page photos in a real browser: a club's note-taker makes a project, adds a rendered book page
// and a file that is not an image (refused with its reason), follows the reading job live, picks
// lines and quotes them into the club notebook, which shows them in its Notebook tab, also in a
// tab that was already open, and to another member whose Notebook tab was open (live, from the
// club's notes.changed event: no reload, focus kept). Screens in English and Korean, desktop and
// phone, each through axe.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { PRIDE_AND_PREJUDICE, renderPage, requireFont } from '../helpers/pages.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, untilTrueInPage, type E2EServer } from './harness.js';

const WAIT = { timeout: 60_000 };
const [FIRST_LINE, SECOND_LINE] = PRIDE_AND_PREJUDICE as [string, string, ...string[]];

describe('e2e: page photos and the club notebook', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  let reader: TestAccount;
  let friend: TestAccount;
  let clubId: number;
  let clubTitle: string;
  let projectPath = '';
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    requireFont(this, 'DejaVu Serif', 'fonts-dejavu-core');
    e2e = await startE2EServer({ env: { MODELS: 'paddleocr-v4' } });
    const http = e2e.server.http;
    const owner = await signUpAndLogin(http);
    reader = await signUpAndLogin(http);
    friend = await signUpAndLogin(http);
    clubTitle = `Austen readers ${randomBytes(4).toString('hex')}`;
    clubId = (await createClub(http, owner, { title: clubTitle })).id;
    // A member who keeps the club's notes: the notebook takes quotes from note-takers and up.
    await admit(http, clubId, owner, reader, 'notetaker');
    // A plain member: reads the notebook, hears of quotes only from the server.
    await admit(http, clubId, owner, friend, 'member');
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  /** The reader, signed in by tokens (no login screen), in a new browser context. */
  async function signedIn(locale: 'en-US' | 'ko-KR', viewport: { width: number; height: number }, who: TestAccount = reader): Promise<{ context: BrowserContext; page: Page }> {
    const person = await openPerson(e2e.url, { locale, viewport });
    contexts.push(person.context);
    await person.context.addInitScript(`localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: who.access, refresh: who.refresh }))})`);
    track(person.page);
    return person;
  }

  it('adds a page photo, refuses a non-image with its reason, reads the page live and quotes chosen lines into the club notebook', async () => {
    const { context, page } = await signedIn('en-US', DESKTOP);
    await page.goto('/photos');
    await page.getByRole('heading', { level: 1, name: 'Page photos' }).waitFor(WAIT);
    await page.getByText('No projects yet').waitFor(WAIT);

    await page.getByLabel('Name').fill('Pride and Prejudice, chapter 1');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/photos\/\d+$/, WAIT);
    projectPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: 'Pride and Prejudice, chapter 1' }).waitFor(WAIT);

    // The notebook already open in another tab: it must show the quote once it is sent.
    const notebook = track(await context.newPage());
    await notebook.goto(`/clubs/${clubId}/notebook`);
    await notebook.getByRole('button', { name: 'Refresh' }).waitFor(WAIT);

    // Another member has the club's Notebook tab open in her own browser, focus on Refresh. A
    // marker in the page and a count of visibility changes show she neither reloads nor switches.
    const { page: theirs } = await signedIn('en-US', DESKTOP, friend);
    await theirs.goto(`/clubs/${clubId}/notebook`);
    await theirs.getByText('The notebook is empty.').waitFor(WAIT);
    const marker = randomBytes(16).toString('hex');
    await theirs.evaluate(`(() => {
      window.__marker = ${JSON.stringify(marker)};
      window.__shown = 0;
      document.addEventListener('visibilitychange', () => { window.__shown += 1; });
    })()`);
    await theirs.getByRole('button', { name: 'Refresh' }).focus();

    // Progress bars are seen when they appear, whatever how briefly they last.
    await page.evaluate(`(() => {
      window.__seen = { upload: false, reading: false };
      const look = () => {
        if (document.querySelector('progress[aria-label^="Sending "]')) window.__seen.upload = true;
        if (document.querySelector('progress[aria-label="Reading progress"]')) window.__seen.reading = true;
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);

    const pagePhoto = await renderPage(PRIDE_AND_PREJUDICE);
    const notAnImage = Buffer.from(`#!/bin/sh\necho ${randomBytes(16).toString('hex')}\n`);
    await page.locator('input[type=file]').setInputFiles([
      { name: 'page-3.png', mimeType: 'image/png', buffer: pagePhoto },
      { name: 'cover.jpg', mimeType: 'image/jpeg', buffer: notAnImage },
    ]);
    const uploads = page.getByRole('list', { name: 'Photos sent' });
    await uploads.getByRole('listitem').filter({ hasText: 'page-3.png' }).getByText('Added.').waitFor(WAIT);
    await uploads.getByRole('listitem').filter({ hasText: 'cover.jpg' }).getByText('Not added: it isn’t a JPEG, PNG or WebP image.').waitFor(WAIT);
    await page.getByText('Done: 1 added, 1 not added.').waitFor(WAIT);
    await page.getByRole('heading', { level: 3, name: 'page-3.png' }).waitFor(WAIT);
    assert.equal(await page.getByRole('heading', { level: 3, name: 'cover.jpg' }).count(), 0, 'the refused file is not in the project');

    await page.getByRole('button', { name: 'Read all photos' }).click();
    // Said only on the job's completed event over the socket.
    await page.getByText('All photos are read.').waitFor(WAIT);
    assert.deepEqual(await page.evaluate('window.__seen'), { upload: true, reading: true });

    const [first, second] = [FIRST_LINE, SECOND_LINE];
    const firstLine = page.getByRole('checkbox', { name: first });
    await firstLine.waitFor(WAIT);
    assert.equal(await page.getByRole('group', { name: 'Lines to quote from page-3.png' }).getByRole('checkbox').count(), PRIDE_AND_PREJUDICE.length);
    await page.getByAltText('Photo page-3.png').waitFor(WAIT);
    await assertAccessible(page, 'project page with lines (en, desktop)');
    await screenshot(page, 'photos-project-en-desktop');

    // Lines are picked from the keyboard.
    await firstLine.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.equal(await page.getByRole('checkbox', { name: second }).isChecked(), true);
    await page.getByRole('textbox', { name: 'Page (optional)' }).fill('3');
    await page.getByRole('button', { name: `Quote 2 lines to ${clubTitle}` }).click();
    await page.getByText(`Quoted in ${clubTitle}’s notebook.`).waitFor(WAIT);

    // The tab that was open reloads on its own and shows the newest quote first.
    const latest = notebook.getByRole('region', { name: 'Latest quotes' });
    await latest.getByText(first).waitFor(WAIT);
    await latest.getByText(second).waitFor(WAIT);
    // The source line: the project's name (no book chosen) and the page number given.
    await latest.getByText('— Pride and Prejudice, chapter 1, p. 3').waitFor(WAIT);
    await notebook.close();

    // The other member's tab shows it too, says it politely, and keeps her focus where it was.
    const theirLatest = theirs.getByRole('region', { name: 'Latest quotes' });
    await theirLatest.getByText(first).waitFor(WAIT);
    await theirLatest.getByText('— Pride and Prejudice, chapter 1, p. 3').waitFor(WAIT);
    await theirLatest.getByText('New', { exact: true }).waitFor(WAIT);
    const said = 'New quote in the notebook: Pride and Prejudice, chapter 1, p. 3';
    await untilTrueInPage(theirs, `Array.from(document.querySelectorAll('[role=status]')).some((el) => el.textContent === ${JSON.stringify(said)})`, 60_000);
    assert.equal(await theirs.evaluate('window.__marker'), marker, 'the page was not reloaded');
    assert.equal(await theirs.evaluate('window.__shown'), 0, 'the page was not hidden and shown again');
    await untilTrueInPage(theirs, `document.activeElement?.textContent === 'Refresh'`, 60_000);
    await assertAccessible(theirs, 'club notebook with a new quote (en, desktop)');
    await screenshot(theirs, 'photos-notebook-live-en-desktop');
    await theirs.close();

    await page.getByRole('link', { name: 'Open the notebook' }).click();
    await page.waitForURL(new RegExp(`/clubs/${clubId}/notebook$`), WAIT);
    await page.getByRole('region', { name: 'Whole notebook' }).getByText(first).waitFor(WAIT);
    await assertAccessible(page, 'club notebook (en, desktop)');
    await screenshot(page, 'photos-notebook-en-desktop');

    await page.goto('/photos');
    const row = page.getByRole('listitem').filter({ hasText: 'Pride and Prejudice, chapter 1' });
    await row.getByText('1 photo').waitFor(WAIT);
    await row.getByText('Read', { exact: true }).waitFor(WAIT);
    await assertAccessible(page, 'projects list (en, desktop)');
    await screenshot(page, 'photos-list-en-desktop');
  });

  for (const [name, locale, viewport, words] of [
    ['ko-desktop', 'ko-KR', DESKTOP, { list: '책 페이지 사진', lines: '페이지의 줄', notebook: '최근 인용' }],
    ['en-phone', 'en-US', PHONE, { list: 'Page photos', lines: 'Lines on the pages', notebook: 'Latest quotes' }],
  ] as const) {
    it(`shows the three screens in ${name}`, async function () {
      if (!projectPath) this.skip();
      const { page } = await signedIn(locale, viewport);
      await page.goto('/photos');
      await page.getByRole('heading', { level: 1, name: words.list }).waitFor(WAIT);
      await page.getByRole('link', { name: 'Pride and Prejudice, chapter 1' }).waitFor(WAIT);
      await assertAccessible(page, `projects list (${name})`);
      await screenshot(page, `photos-list-${name}`);

      await page.goto(projectPath);
      await page.getByRole('heading', { level: 2, name: words.lines }).waitFor(WAIT);
      await page.getByRole('checkbox', { name: FIRST_LINE }).waitFor(WAIT);
      await assertAccessible(page, `project page (${name})`);
      await screenshot(page, `photos-project-${name}`);

      await page.goto(`/clubs/${clubId}/notebook`);
      await page.getByRole('region', { name: words.notebook }).getByText(FIRST_LINE).waitFor(WAIT);
      await assertAccessible(page, `club notebook (${name})`);
      await screenshot(page, `photos-notebook-${name}`);
    });
  }
});
