// The owner's Manage tab in a real browser, one section at a time: set a goal, put a book on
// the reading list and take it off, mark dues paid and start the next season, resolve a report
// (made by a member from the Posts tab, in her own browser),
// remove a member, ban one (whose own open page is told in words) and lift the ban, and change
// the club's settings and see them on the Overview. Each action is done through the page as a
// person would and then checked twice: what the page shows, and what the server says over REST.
// The reading list is put in another order with the keyboard, and a move the server refuses
// (the list changed behind the page's back) is rolled back with the moves made behind it and said
// in words; while a book is being taken off, the arrows wait.
// Every section is photographed in English on a desktop and in Korean on a phone.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Locator, Page, Request, Route } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { HttpClient } from '../helpers/http.js';
import { ARTIFACTS_DIR, assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, untilTrueInPage, type E2EServer, type PersonOptions } from './harness.js';

const WAIT = { timeout: 20_000 };
const ENTRANCE_FEE = 30_000;

/**
 * A photograph of one section (the harness's screenshot takes the whole page): cut from a
 * full-page shot, so the sticky header does not cover a section taller than the screen.
 */
async function sectionShot(page: Page, section: Locator, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.evaluate('window.scrollTo(0, 0)');
  const box = await section.boundingBox();
  assert.ok(box, `${name} is on the page`);
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true, clip: box });
}

describe('e2e: the owner’s Manage tab', function () {
  this.timeout(180_000);
  let e2e: E2EServer;
  let http: HttpClient;
  const contexts: BrowserContext[] = [];
  const marker = randomBytes(6).toString('hex');
  let owner: TestAccount;
  let alice: TestAccount;
  let bob: TestAccount;
  let clubId: number;
  let bookTitle: string;
  /** Three books put on the reading list through the page, and one added over REST behind its back. */
  let bookTitles: [string, string, string];
  let lateBookId: number;
  let lateTitle: string;
  let postId: number;
  let page: Page;

  /** A person signed in by their tokens (no login form), on `where`. */
  async function openSignedIn(account: TestAccount, options: PersonOptions, where: string): Promise<Page> {
    const { context, page: opened } = await openPerson(e2e.url, options);
    contexts.push(context);
    await context.addInitScript(`localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: account.access, refresh: account.refresh }))})`);
    track(opened);
    await opened.goto(where);
    return opened;
  }

  const region = (name: string) => page.getByRole('region', { name, exact: true });
  const toast = (text: string) => page.getByText(text, { exact: true }).first().waitFor(WAIT);
  /** The open confirm dialog, answered with its `button`. */
  async function confirm(title: string, button: string): Promise<void> {
    const dialog = page.getByRole('dialog', { name: title });
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
  }

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer();
    http = new HttpClient(e2e.url);
    [owner, alice, bob] = await Promise.all(['host', 'alice', 'bob'].map((prefix) => signUpAndLogin(http, { username: `${prefix}${marker}` }))) as [TestAccount, TestAccount, TestAccount];
    const club = await createClub(http, owner, { kind: 'study', title: `Tuesday study ${marker}`, summary: 'One chapter a week', max_members: 8, entrance_fee: ENTRANCE_FEE });
    clubId = club.id;
    await admit(http, clubId, owner, alice);
    await admit(http, clubId, owner, bob);
    bookTitle = `The quiet harbour ${marker}`;
    bookTitles = [bookTitle, `Salt and cedar ${marker}`, `Winter orchard ${marker}`];
    lateTitle = `A late arrival ${marker}`;
    for (const title of [...bookTitles, lateTitle]) {
      const book = await http.post('/api/books', { title, author: 'Min-ji Park' }, owner.access);
      assert.equal(book.status, 201, JSON.stringify(book.body));
      lateBookId = book.body.id;
    }
    // Alice reports this post from her Posts tab in the first test.
    const post = await http.post(`/api/clubs/${clubId}/posts`, { title: `Cheap pills ${marker}`, content: 'Buy now' }, bob.access);
    assert.equal(post.status, 201, JSON.stringify(post.body));
    postId = post.body.id;

    page = await openSignedIn(owner, { locale: 'en-US', viewport: DESKTOP }, `/clubs/${clubId}/manage`);
    await region('Members').getByText(`@${bob.username}`, { exact: true }).waitFor(WAIT);
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await e2e?.close();
  });

  it('lets a member report someone else’s post from the Posts tab, and says so when she reports it again', async () => {
    const alicePage = await openSignedIn(alice, { locale: 'en-US', viewport: DESKTOP }, `/clubs/${clubId}/posts`);
    const postTitle = `Cheap pills ${marker}`;
    const openPost = async () => {
      await alicePage.getByRole('button', { name: postTitle, exact: true }).click();
      await alicePage.getByText('Buy now', { exact: true }).waitFor(WAIT);
    };
    await openPost();
    const reportButton = alicePage.getByRole('button', { name: `Report “${postTitle}”` });
    await reportButton.click();
    const form = alicePage.getByRole('form', { name: 'Report this post' });
    await form.waitFor(WAIT);
    // Focus moves into the form (its first reason); Esc closes it and gives focus back.
    await untilTrueInPage(alicePage, `document.activeElement?.closest('form')?.getAttribute('aria-labelledby') != null && document.activeElement?.type === 'radio'`);
    await alicePage.keyboard.press('Escape');
    await form.waitFor({ state: 'detached', ...WAIT });
    await untilTrueInPage(alicePage, `document.activeElement?.getAttribute('aria-label') === ${JSON.stringify(`Report “${postTitle}”`)}`);

    await alicePage.keyboard.press('Enter');
    await form.getByRole('radio', { name: 'Spam or advertising' }).check();
    await form.getByLabel('Anything the hosts should know? (optional)').fill(`An advert, not a post ${marker}`);
    await assertAccessible(alicePage, 'report form (en, desktop)');
    await sectionShot(alicePage, alicePage.getByRole('listitem').filter({ has: form }), 'posts-report-form-en-desktop');
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    const thanks = alicePage.getByText('Thanks, the hosts will look at it.', { exact: true });
    await thanks.waitFor(WAIT);
    await untilTrueInPage(alicePage, `document.activeElement?.textContent === 'Thanks, the hosts will look at it.'`);
    await reportButton.waitFor({ state: 'detached', ...WAIT });
    const mine = await http.get('/api/reports/mine', alice.access);
    assert.deepEqual((mine.body.items as Array<{ reason: string; detail: string }>).map((r) => [r.reason, r.detail]), [['spam', `An advert, not a post ${marker}`]]);

    // After a reload the button is back; the server answers that she already reported it.
    await alicePage.reload();
    await openPost();
    await reportButton.click();
    await form.getByRole('radio', { name: 'Off topic' }).check();
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await alicePage.getByText('You have already reported this. The hosts will look at it.', { exact: true }).waitFor(WAIT);
    assert.equal((await http.get('/api/reports/mine', alice.access)).body.items.length, 1);
    await alicePage.close();

    // The owner's page was open before the report: load the queue again.
    await page.reload();
    await region('Members').getByText(`@${bob.username}`, { exact: true }).waitFor(WAIT);
  });

  it('passes axe and is photographed section by section (en, desktop)', async () => {
    await region('Reports').getByText(`An advert, not a post ${marker}`).waitFor(WAIT);
    await region('Dues').getByRole('listitem').filter({ hasText: alice.username }).waitFor(WAIT);
    await assertAccessible(page, 'manage tab (en, desktop)');
    await screenshot(page, 'manage-en-desktop');
    for (const name of ['Members', 'Club settings', 'Goals', 'Reading list', 'Dues', 'Reports']) {
      await sectionShot(page, region(name), `manage-${name.toLowerCase().replace(/ /g, '-')}-en-desktop`);
    }
  });

  it('sets a goal', async () => {
    const goals = region('Goals');
    const title = `Finish chapter ${marker}`;
    await goals.getByLabel('Kind').selectOption('homework');
    await goals.getByLabel('Goal', { exact: true }).fill(title);
    await goals.getByLabel('From').fill('2030-05-01');
    await goals.getByLabel('Until').fill('2030-05-31');
    await goals.getByRole('button', { name: 'Set goal' }).click();
    await toast('Goal set.');
    const row = goals.getByRole('listitem').filter({ hasText: title });
    await row.getByText('Homework').waitFor(WAIT);
    await row.getByText(/May 1, 2030.*May 31, 2030/).waitFor(WAIT);
    assert.equal(await goals.getByLabel('Goal', { exact: true }).inputValue(), '');

    const stored = await http.get(`/api/clubs/${clubId}/goals`, owner.access);
    const goal = (stored.body.items as Array<{ title: string; type: string; starts_on: string | null; ends_on: string | null }>).find((g) => g.title === title);
    assert.deepEqual(goal && { type: goal.type, starts_on: goal.starts_on, ends_on: goal.ends_on }, { type: 'homework', starts_on: '2030-05-01', ends_on: '2030-05-31' });
    await sectionShot(page, goals, 'manage-goals-set-en-desktop');
  });

  it('finds books and puts them on the reading list, moves one with the keyboard, rolls back a refused move, then takes a book off after asking', async () => {
    const reading = region('Reading list');
    const [first, second, third] = bookTitles;
    await reading.getByText('The reading list is empty.').waitFor(WAIT);
    await reading.getByLabel('Find a book by title or author').fill(marker);
    await reading.getByRole('button', { name: 'Search', exact: true }).click();
    for (const title of bookTitles) {
      await reading.getByRole('button', { name: `Add ${title}` }).click();
      await toast(`“${title}” is on the reading list.`);
      await reading.getByRole('button', { name: `On the list ${title}` }).waitFor(WAIT);
    }
    const stored = async () => ((await http.get(`/api/clubs/${clubId}/reading-list`, owner.access)).body.items as Array<{ book: { title: string } }>).map((item) => item.book.title);
    /** Waits until the page lists the books in `order`. */
    const shown = (order: string[]) =>
      untilTrueInPage(page, `JSON.stringify(Array.from(document.querySelectorAll('section[aria-labelledby="manage-reading"] ol > li strong'), (e) => e.textContent)) === ${JSON.stringify(JSON.stringify(order))}`);
    const focusedIs = (label: string) => untilTrueInPage(page, `document.activeElement?.getAttribute('aria-label') === ${JSON.stringify(label)}`);
    const said = (words: string) => reading.locator('p[aria-live="polite"]', { hasText: words }).waitFor({ state: 'attached', ...WAIT });
    const orderSent = () => page.waitForResponse((res) => res.url().endsWith(`/api/clubs/${clubId}/reading-list/order`) && res.request().method() === 'PUT', WAIT);
    let ordersSent = 0;
    const countOrders = (request: Request) => {
      if (request.method() === 'PUT' && request.url().endsWith(`/api/clubs/${clubId}/reading-list/order`)) ordersSent += 1;
    };
    page.on('request', countOrders);
    /** Holds the page's `method` requests to `matches` until release(); arrived resolves when one is held. */
    async function hold(method: string, matches: (url: URL) => boolean) {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let arrive = () => {};
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const handler = async (route: Route) => {
        if (route.request().method() !== method) return route.fallback();
        arrive();
        await gate;
        await route.continue();
      };
      await page.route(matches, handler);
      return { arrived, release, done: () => page.unroute(matches, handler) };
    }
    await shown([first, second, third]);
    assert.deepEqual(await stored(), [first, second, third]);
    // The ends have nothing to move to.
    assert.equal(await reading.getByRole('button', { name: `Move “${first}” up` }).isDisabled(), true);
    assert.equal(await reading.getByRole('button', { name: `Move “${third}” down` }).isDisabled(), true);

    // With the keyboard: the third book up twice; focus stays on its button, then passes to "down" at the top.
    await reading.getByRole('button', { name: `Move “${third}” up` }).focus();
    /** Enter on the focused arrow: the order on the page, its words, where focus went, and what the server stored. */
    const pressAndSee = async (order: string[], place: number, focus: string) => {
      const sent = orderSent();
      await page.keyboard.press('Enter');
      await shown(order);
      await said(`“${third}” is now ${place} of 3`);
      await focusedIs(focus);
      assert.equal((await sent).status(), 200);
      assert.deepEqual(await stored(), order);
    };
    await pressAndSee([first, third, second], 2, `Move “${third}” up`);
    await pressAndSee([third, first, second], 1, `Move “${third}” down`);
    await sectionShot(page, reading, 'manage-reading-ordered-en-desktop');

    // Another host puts a book on the list behind this page's back: the next move names an
    // order that no longer holds. While its answer is held, a second move is made behind it (and
    // said, like the first). The server refuses the first; the page goes back, drops the second
    // without sending it, and says that both were undone.
    const late = await http.post(`/api/clubs/${clubId}/reading-list`, { book_id: lateBookId }, owner.access);
    assert.equal(late.status, 201, JSON.stringify(late.body));
    const ordersBefore = ordersSent;
    const putHeld = await hold('PUT', (url) => url.pathname === `/api/clubs/${clubId}/reading-list/order`);
    const refused = orderSent();
    await page.keyboard.press('Enter');
    await putHeld.arrived;
    await said(`“${third}” is now 2 of 3`);
    await focusedIs(`Move “${third}” down`);
    await page.keyboard.press('Enter');
    await said(`“${third}” is now 3 of 3`);
    putHeld.release();
    assert.equal((await refused).status(), 400);
    await putHeld.done();
    await reading
      .getByRole('alert')
      .filter({ hasText: `“${third}” could not be moved, so the moves made after it were undone too. Someone changed the list at the same time; here it is as it stands now.` })
      .waitFor(WAIT);
    await shown([third, first, second, lateTitle]);
    assert.equal(ordersSent - ordersBefore, 1, 'the move made behind the refused one is not sent');
    assert.deepEqual(await stored(), [third, first, second, lateTitle]);
    await assertAccessible(page, 'reading list with a refused move (en, desktop)');
    await sectionShot(page, reading, 'manage-reading-refused-en-desktop');

    // The order is the server's: after a reload, and on the Reading tab.
    await page.reload();
    await shown([third, first, second, lateTitle]);
    const tabs = page.getByRole('navigation', { name: 'Club sections' });
    await tabs.getByRole('link', { name: 'Reading' }).click();
    await page.getByRole('heading', { level: 2, name: 'Reading now' }).waitFor(WAIT);
    await untilTrueInPage(page, `JSON.stringify(Array.from(document.querySelectorAll('article h3'), (e) => e.textContent)) === ${JSON.stringify(JSON.stringify([third, first, second, lateTitle]))}`);
    await tabs.getByRole('link', { name: 'Manage' }).click();
    await shown([third, first, second, lateTitle]);

    // A phone 360 px wide: the arrows stay beside each book, nothing spills sideways.
    await page.setViewportSize({ width: 360, height: 780 });
    await sectionShot(page, reading, 'manage-reading-ordered-en-360');
    assert.equal(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0, 'the page is no wider than 360 px');
    await page.setViewportSize(DESKTOP);

    // While the book is being taken off (its DELETE held), the arrows wait: they are
    // aria-disabled and a press sends nothing, since a move would name the book going away.
    const deleteHeld = await hold('DELETE', (url) => url.pathname.startsWith(`/api/clubs/${clubId}/reading-list/`));
    const listed = reading.locator('ol').getByRole('listitem').filter({ hasText: lateTitle });
    await listed.getByRole('button', { name: `Take off ${lateTitle}` }).click();
    await confirm(`Take “${lateTitle}” off the reading list?`, 'Take off');
    await deleteHeld.arrived;
    await reading.getByRole('button', { name: `Move “${lateTitle}” up`, disabled: true }).waitFor(WAIT);
    const blocked = reading.getByRole('button', { name: `Move “${first}” up`, disabled: true });
    await blocked.waitFor(WAIT);
    const ordersWhileRemoving = ordersSent;
    await blocked.click({ force: true });
    deleteHeld.release();
    await toast(`“${lateTitle}” is off the reading list.`);
    await deleteHeld.done();
    await shown([third, first, second]);
    await reading.getByRole('button', { name: `Move “${first}” up`, disabled: false }).waitFor(WAIT);
    assert.equal(ordersSent, ordersWhileRemoving, 'no move was sent while the book was being taken off');
    assert.deepEqual(await stored(), [third, first, second]);
    page.off('request', countOrders);
  });

  it('marks a member’s dues paid, then starts the next season where everyone is unpaid again', async () => {
    const dues = region('Dues');
    const aliceRow = () => dues.getByRole('listitem').filter({ hasText: alice.username });
    await aliceRow().getByText('Not paid').waitFor(WAIT);
    assert.equal(await aliceRow().getByLabel(`Amount for ${alice.username}`).inputValue(), String(ENTRANCE_FEE));
    await aliceRow().getByRole('button', { name: `Mark paid ${alice.username}` }).click();
    await toast(`${alice.username} has paid.`);
    await aliceRow().getByText(/^Paid /).waitFor(WAIT);
    await aliceRow().getByRole('button', { name: `Mark unpaid ${alice.username}` }).waitFor(WAIT);
    await dues.getByText('This season: 30,000 · All seasons: 30,000').waitFor(WAIT);
    const seasonOne = await http.get(`/api/clubs/${clubId}/seasons/1/dues`, owner.access);
    const paid = (seasonOne.body.items as Array<{ user: { id: number }; paid: boolean; amount: number }>).find((entry) => entry.user.id === alice.id);
    assert.deepEqual(paid && { paid: paid.paid, amount: paid.amount }, { paid: true, amount: ENTRANCE_FEE });
    await sectionShot(page, dues, 'manage-dues-paid-en-desktop');

    await dues.getByRole('button', { name: 'Start the next season' }).click();
    await confirm('Start the next season?', 'Start the next season');
    await toast('A new season has started.');
    const season = dues.getByLabel('Season');
    await dues.getByRole('option', { name: /^Season 2/ }).waitFor({ state: 'attached', ...WAIT });
    await untilTrueInPage(page, `document.querySelector('#dues-season')?.value === '2'`);
    await aliceRow().getByText('Not paid').waitFor(WAIT);
    const seasons = await http.get(`/api/clubs/${clubId}/seasons`, owner.access);
    assert.deepEqual((seasons.body.items as Array<{ season: number }>).map((s) => s.season), [1, 2]);

    // The first season keeps its payment.
    await season.selectOption('1');
    await aliceRow().getByText(/^Paid /).waitFor(WAIT);
  });

  it('removes a reported post from the report queue, asking first', async () => {
    const reports = region('Reports');
    const row = reports.getByRole('listitem').filter({ hasText: `An advert, not a post ${marker}` });
    await row.getByText(`Reported by ${alice.username}: spam`).waitFor(WAIT);
    await row.getByRole('button', { name: 'Remove it' }).click();
    await confirm('Remove what was reported?', 'Remove it');
    await toast('Removed. The report is closed.');
    await reports.getByText('No open reports. All calm.').waitFor(WAIT);

    const resolved = await http.get(`/api/clubs/${clubId}/reports?status=resolved`, owner.access);
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.items.length, 1, JSON.stringify(resolved.body));
    const posts = await http.get(`/api/clubs/${clubId}/posts`, owner.access);
    assert.ok(!(posts.body.items as Array<{ id: number }>).some((p) => p.id === postId), JSON.stringify(posts.body));
  });

  it('removes one member and bans another, whose open page is told; then lifts the ban', async () => {
    const members = region('Members');
    const rowOf = (account: TestAccount) => members.getByRole('listitem').filter({ hasText: `@${account.username}` });
    const listed = async (status: 'active' | 'banned') =>
      ((await http.get(`/api/clubs/${clubId}/members?limit=100${status === 'banned' ? '&status=banned' : ''}`, owner.access)).body.items as Array<{ user: { id: number } }>).map((m) => m.user.id);

    await rowOf(bob).getByRole('button', { name: `Remove ${bob.username}`, exact: true }).click();
    await confirm(`Remove ${bob.username} from the club?`, 'Remove');
    await toast(`${bob.username} was removed.`);
    await rowOf(bob).waitFor({ state: 'detached', ...WAIT });
    assert.ok(!(await listed('active')).includes(bob.id));

    // Alice has the club open while she is banned.
    const alicePage = await openSignedIn(alice, { locale: 'en-US', viewport: DESKTOP }, `/clubs/${clubId}`);
    const aliceTabs = alicePage.getByRole('navigation', { name: 'Club sections' });
    await aliceTabs.getByRole('link', { name: 'Chat' }).waitFor(WAIT);
    await rowOf(alice).getByRole('button', { name: `Ban ${alice.username}`, exact: true }).click();
    await confirm(`Ban ${alice.username}?`, 'Ban');
    await toast(`${alice.username} is banned.`);
    await alicePage.getByText('You were banned from this club.').waitFor(WAIT);
    await aliceTabs.getByRole('link', { name: 'Chat' }).waitFor({ state: 'detached', ...WAIT });

    const banned = members.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Lift ban ${alice.username}` }) });
    await banned.waitFor(WAIT);
    await rowOf(alice).getByRole('button', { name: `Ban ${alice.username}`, exact: true }).waitFor({ state: 'detached', ...WAIT });
    assert.deepEqual(await listed('banned'), [alice.id]);
    assert.ok(!(await listed('active')).includes(alice.id));
    // The header counts the seats again: only the owner is left.
    await page.getByText('1 member of 8').waitFor(WAIT);
    await sectionShot(page, members, 'manage-members-banned-en-desktop');

    await banned.getByRole('button', { name: `Lift ban ${alice.username}` }).click();
    await toast(`The ban on ${alice.username} is lifted.`);
    await members.getByText('Nobody is banned.').waitFor(WAIT);
    assert.deepEqual(await listed('banned'), []);
    // Lifted, she may ask to join again.
    const knock = await http.post(`/api/clubs/${clubId}/knocks`, {}, alice.access);
    assert.equal(knock.status, 201, JSON.stringify(knock.body));
    await alicePage.close();
  });

  it('changes the club’s name, description and seats, and the Overview shows them', async () => {
    const settings = region('Club settings');
    const title = `Tuesday slow study ${marker}`;
    const summary = `Two chapters a week ${marker}`;
    const detail = `We meet in the library's back room ${marker}.`;
    await settings.getByLabel('Title').fill(title);
    await settings.getByLabel('One-line summary').fill(summary);
    await settings.getByLabel('About the club').fill(detail);
    await settings.getByLabel('Seats').fill('12');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await toast('Club settings saved.');
    await page.getByRole('heading', { level: 1, name: title }).waitFor(WAIT);
    await page.getByText('1 member of 12').waitFor(WAIT);

    await page.getByRole('navigation', { name: 'Club sections' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByText(summary).waitFor(WAIT);
    await page.getByRole('region', { name: 'About' }).getByText(detail).waitFor(WAIT);
    await screenshot(page, 'manage-overview-after-settings-en-desktop');

    const club = await http.get(`/api/clubs/${clubId}`, owner.access);
    assert.deepEqual({ title: club.body.title, summary: club.body.summary, detail: club.body.detail, max_members: club.body.max_members }, { title, summary, detail, max_members: 12 });
  });

  it('works in Korean on a phone: every section photographed, a goal set, refused seats said in Korean next to the field', async () => {
    page = await openSignedIn(owner, { locale: 'ko-KR', viewport: PHONE }, `/clubs/${clubId}/manage`);
    await region('회비').getByRole('listitem').first().waitFor(WAIT);
    // Alice asked again once her ban was lifted: let her in, in Korean.
    const waiting = region('들어오기를 기다리는 분').getByRole('listitem').filter({ hasText: alice.username });
    await waiting.getByRole('button', { name: '들이기', exact: true }).click();
    await toast(`${alice.username} 님이 멤버가 되었어요.`);
    // The sections below and the header follow at once, without a reload.
    await region('멤버').getByText(`@${alice.username}`, { exact: true }).waitFor(WAIT);
    await region('회비').getByRole('listitem').filter({ hasText: alice.username }).waitFor(WAIT);
    await page.getByText('회원 2/12명').waitFor(WAIT);
    assert.equal((await http.get(`/api/clubs/${clubId}`, alice.access)).body.me.status, 'active');
    await assertAccessible(page, 'manage tab (ko, phone)');
    await screenshot(page, 'manage-ko-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'the page is no wider than the phone');

    const goals = region('목표');
    await goals.getByLabel('목표', { exact: true }).fill(`한 장씩 ${marker}`);
    await goals.getByRole('button', { name: '목표 세우기' }).click();
    await toast('목표를 세웠어요.');
    await goals.getByRole('listitem').filter({ hasText: `한 장씩 ${marker}` }).waitFor(WAIT);

    const settings = region('모임 설정');
    const seats = settings.getByLabel('정원');
    await seats.fill('0');
    await settings.getByRole('button', { name: '설정 저장' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor(WAIT);
    const errorId = ((await seats.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
    assert.ok(errorId, 'the seats field names its error');
    const words = (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
    assert.match(words, /[가-힣]/, `said in Korean: ${words}`);
    assert.doesNotMatch(words, /[A-Za-z]{3,}/, `no English words: ${words}`);
    assert.equal((await http.get(`/api/clubs/${clubId}`, owner.access)).body.max_members, 12);
    // Fewer seats than the two members now: the server refuses, and the field says the count.
    await seats.fill('1');
    await settings.getByRole('button', { name: '설정 저장' }).click();
    await page.locator(`[id="${errorId}"]`, { hasText: '2 이상으로 입력해 주세요.' }).waitFor(WAIT);
    assert.equal((await http.get(`/api/clubs/${clubId}`, owner.access)).body.max_members, 12);

    // The reading list's arrows are named in Korean.
    await region('읽을 책 목록').getByRole('button', { name: `“${bookTitles[2]}” 아래로 옮기기` }).waitFor(WAIT);
    const sections = { 멤버: 'members', '모임 설정': 'club-settings', 목표: 'goals', '읽을 책 목록': 'reading-list', 회비: 'dues', 신고: 'reports' };
    for (const [name, slug] of Object.entries(sections)) await sectionShot(page, region(name), `manage-${slug}-ko-phone`);
  });
});
