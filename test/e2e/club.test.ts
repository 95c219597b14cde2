// Home, discover and the club page in a real browser: a club created through the form shows on
// home and in discover's search, opens, takes a like, and a member's presence shows in the
// members tab while their page is open and goes when it closes. Every main screen is checked
// by axe-core and photographed in English and Korean on a desktop, and on a phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { HttpClient } from '../helpers/http.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, untilTrueInPage, type E2EServer, type PersonOptions } from './harness.js';

const WAIT = { timeout: 20_000 };

/** Waits until `field` holds the page's focus. */
async function untilFocused(page: Page, field: Locator): Promise<void> {
  const id = await field.getAttribute('id');
  assert.ok(id, 'the field has an id');
  await untilTrueInPage(page, `document.activeElement?.id === ${JSON.stringify(id)}`);
}

interface View {
  name: string;
  page: Page;
}

describe('e2e: home, discover and the club page', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  let http: HttpClient;
  let owner: TestAccount;
  let reader: TestAccount;
  const contexts: BrowserContext[] = [];
  const marker = randomBytes(8).toString('hex');
  const title = `Slow readers ${marker}`;
  let clubId = 0;

  /** A browser person; signed in as `account` by putting a fresh token pair in localStorage. */
  async function person(options: PersonOptions, account?: TestAccount): Promise<Page> {
    const { context, page } = await openPerson(e2e.url, options);
    contexts.push(context);
    track(page);
    if (account) {
      const res = await http.post('/auth/jwt/create', { username: account.username, password: account.password });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const pair = JSON.stringify({ access: res.body.access, refresh: res.body.refresh });
      await page.goto('/404-before-sign-in');
      await page.evaluate(`localStorage.setItem('roundtable.session', ${JSON.stringify(pair)})`);
    }
    return page;
  }

  /** Opens `path` in each view, waits for `ready`, runs axe and saves a screenshot. */
  async function everyView(views: View[], screen: string, path: string, ready: (page: Page) => Promise<unknown>): Promise<void> {
    for (const view of views) {
      await view.page.goto(path);
      await ready(view.page);
      await assertAccessible(view.page, `${screen} (${view.name})`);
      await screenshot(view.page, `club-${screen}-${view.name}`);
    }
  }

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer();
    http = new HttpClient(e2e.url);
    [owner, reader] = await Promise.all([signUpAndLogin(http, { username: `owner${marker}` }), signUpAndLogin(http, { username: `reader${marker}` })]);
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await e2e?.close();
  });

  it('welcomes people who are signed out, in English and Korean, on a desktop and a phone', async () => {
    const views: View[] = [
      { name: 'en-desktop', page: await person({ locale: 'en-US', viewport: DESKTOP }) },
      { name: 'ko-desktop', page: await person({ locale: 'ko-KR', viewport: DESKTOP }) },
      { name: 'phone', page: await person({ locale: 'en-US', viewport: PHONE }) },
    ];
    await everyView(views, 'home-signed-out', '/', (page) => page.locator('.landing a[href="/signup"]').waitFor(WAIT));
    await views[0]!.page.getByRole('link', { name: 'Browse clubs' }).click();
    await views[0]!.page.getByText('Log in or sign up to browse the clubs').waitFor(WAIT);
  });

  it('creates a club through the form, finds it on home and in discover, and likes it', async () => {
    const page = await person({ locale: 'en-US', viewport: DESKTOP }, owner);
    await page.goto('/clubs/new');
    // Without a name the form says what is missing, in words, before anything is sent.
    await page.getByRole('button', { name: 'Create the club' }).click();
    await page.getByText('Give the club a name (up to 100 characters).').waitFor(WAIT);
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Name').fill(title);
    await page.getByLabel('Short summary').fill('We read one long novel a season, slowly.');
    await page.getByLabel('Keywords').fill(`novels, ${marker}`);
    await page.getByLabel('Meets regularly').check();
    await page.getByLabel('Thu').check();
    await page.getByRole('button', { name: 'Create the club' }).click();
    await page.waitForURL(/\/clubs\/\d+$/, WAIT);
    clubId = Number(/\/clubs\/(\d+)/.exec(page.url())?.[1]);
    assert.ok(clubId > 0);
    await page.getByRole('heading', { level: 1, name: title }).waitFor(WAIT);
    // The schedule in words and its next dates.
    await page.getByText(/Once a week on Thursday/).waitFor(WAIT);
    await page.locator('.overview-dates time').first().waitFor(WAIT);
    // The calendar needs the access token: it is fetched, then handed over as a file.
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Download the calendar (.ics)' }).click()]);
    assert.equal(download.suggestedFilename(), `club-${clubId}.ics`);

    // Like: the count goes from 0 to 1.
    const like = page.getByRole('button', { name: /^Like/ });
    assert.equal(await page.getByTestId('like-count').textContent(), '0');
    await like.click();
    await page.getByRole('button', { name: 'Like 1', pressed: true }).waitFor(WAIT);
    assert.equal(await page.getByTestId('like-count').textContent(), '1');
    assert.equal((await http.get(`/api/clubs/${clubId}`, owner.access)).body.like_count, 1);

    // Home lists it (with its next meeting); discover finds it by a word of its title.
    await page.getByRole('link', { name: 'Home' }).click();
    await page.locator(`.home-clubs [data-club-id="${clubId}"]`).getByText(/Next meeting:/).waitFor(WAIT);
    await page.getByRole('link', { name: 'Discover' }).first().click();
    await page.getByLabel('Search clubs').fill(marker);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(new RegExp(`/discover\\?q=${marker}`), WAIT);
    const card = page.locator(`.club-card[data-club-id="${clubId}"]`);
    await card.waitFor(WAIT);
    assert.match((await card.textContent()) ?? '', /1 like/);
    await card.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor(WAIT);
  });

  it('says a refused field in Korean next to it, tied by aria-describedby', async () => {
    const page = await person({ locale: 'ko-KR', viewport: DESKTOP }, owner);
    await page.goto('/clubs/new');
    await page.getByLabel('이름', { exact: true }).fill(`긴 키워드 ${marker}`);
    // A keyword over 40 characters: the form's own schema check refuses it before sending.
    const keywords = page.getByLabel('키워드', { exact: true });
    await keywords.fill(`소설, ${'가나다라마바사아자차'.repeat(5)}`);
    await page.getByRole('button', { name: '모임 만들기' }).click();
    await page.locator('[aria-invalid="true"]').first().waitFor(WAIT);
    assert.equal(await keywords.getAttribute('aria-invalid'), 'true');
    const errorId = ((await keywords.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
    assert.ok(errorId, 'the keywords field names its error');
    assert.equal(await page.locator(`[id="${errorId}"]`).textContent(), '40자 이내로 입력해 주세요.');
    // Focus is on the refused field (not dropped to the page's start with the disabled button).
    await untilFocused(page, keywords);
    await screenshot(page, 'club-new-field-problem-ko-desktop');

    // Seats over the server's limit (12): the server refuses them, said in Korean under the seats.
    await keywords.fill('소설');
    const seats = page.getByLabel('정원', { exact: true });
    await seats.fill('13');
    await page.getByRole('button', { name: '모임 만들기' }).click();
    await seats.and(page.locator('[aria-invalid="true"]')).waitFor(WAIT);
    await untilFocused(page, seats);
    assert.equal(await keywords.getAttribute('aria-invalid'), null, 'the keywords are fine now');
    const seatsErrorId = ((await seats.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
    assert.ok(seatsErrorId, 'the seats field names its error');
    assert.equal(await page.locator(`[id="${seatsErrorId}"]`).textContent(), '12 이하로 입력해 주세요.');
    await screenshot(page, 'club-new-seats-over-limit-ko-desktop');
    assert.match(page.url(), /\/clubs\/new$/);
  });

  it('says refused club settings once, next to the seats, with focus there, on a phone in Korean; a repeated notice is not stacked', async () => {
    assert.ok(clubId > 0, 'the club of the first test');
    const page = await person({ locale: 'ko-KR', viewport: PHONE }, owner);
    await page.goto(`/clubs/${clubId}/manage`);
    const settings = page.getByRole('region', { name: '모임 설정' });
    const seats = settings.getByLabel('정원', { exact: true });
    await seats.waitFor(WAIT);
    const before = (await http.get(`/api/clubs/${clubId}`, owner.access)).body.max_members as number;
    // Every toast the page shows, in order, however briefly.
    await page.evaluate(`(() => {
      window.seenToasts = [];
      new MutationObserver((changes) => {
        for (const change of changes) for (const node of change.addedNodes) {
          if (node instanceof HTMLElement && node.classList.contains('toast')) window.seenToasts.push(node.className + ': ' + node.textContent);
        }
      }).observe(document.body, { childList: true, subtree: true });
    })()`);
    const save = settings.getByRole('button', { name: '설정 저장' });
    const seatsError = async () => {
      // The refusal is drawn after the click returns: wait for the field to name an error.
      await seats.and(page.locator('[aria-describedby*="-error"]')).waitFor(WAIT);
      const id = ((await seats.getAttribute('aria-describedby')) ?? '').split(' ').find((part) => part.endsWith('-error'));
      assert.ok(id, 'the seats field names its error');
      return page.locator(`[id="${id}"]`);
    };
    // Refused by the form's own check, then by the server (over its limit of 12).
    await seats.fill('0');
    await save.click();
    await (await seatsError()).filter({ hasText: '1 이상으로 입력해 주세요.' }).waitFor(WAIT);
    await untilFocused(page, seats);
    await seats.fill('13');
    await save.click();
    await (await seatsError()).filter({ hasText: '12 이하로 입력해 주세요.' }).waitFor(WAIT);
    await untilFocused(page, seats);
    await screenshot(page, 'club-settings-seats-over-limit-ko-phone');
    assert.equal((await http.get(`/api/clubs/${clubId}`, owner.access)).body.max_members, before);
    // Positive control: a good number is saved and says so in a toast.
    await seats.fill(String(before + 1));
    await save.click();
    await page.locator('.toast', { hasText: '모임 설정을 저장했어요.' }).waitFor(WAIT);
    assert.equal((await http.get(`/api/clubs/${clubId}`, owner.access)).body.max_members, before + 1);
    // Nothing changed, asked twice: one notice on screen, shown (and read out) afresh the second time.
    await page.getByText(`회원 1/${before + 1}명`).waitFor(WAIT);
    await settings.getByRole('button', { name: '설정 저장' }).click();
    await page.locator('.toast', { hasText: '바뀐 내용이 없어요.' }).waitFor(WAIT);
    await settings.getByRole('button', { name: '설정 저장' }).click();
    await untilTrueInPage(page, `window.seenToasts.filter((text) => text.includes('바뀐 내용이 없어요.')).length === 2`);
    assert.equal(await page.locator('.toast', { hasText: '바뀐 내용이 없어요.' }).count(), 1);
    const seen = await page.evaluate<string[]>('window.seenToasts');
    assert.deepEqual(
      seen.map((text) => text.replace(/×$/, '')),
      ['toast toast-success: 모임 설정을 저장했어요.', 'toast toast-info: 바뀐 내용이 없어요.', 'toast toast-info: 바뀐 내용이 없어요.'],
      'the refusals were said in the form only',
    );
  });

  it("shows a member online in the members tab while their page is open, and offline once it closes", async () => {
    assert.ok(clubId > 0, 'the club of the previous test');
    await admit(http, clubId, owner, reader);
    const page = await person({ locale: 'en-US', viewport: DESKTOP }, owner);
    await page.goto(`/clubs/${clubId}/members`);
    const row = page.locator(`.members-list li[data-user-id="${reader.id}"]`);
    const ownRow = page.locator(`.members-list li[data-user-id="${owner.id}"]`);
    // The owner's own socket is online: the presence list has arrived, and the reader is not in it.
    await ownRow.locator('[data-presence="online"]').waitFor(WAIT);
    await row.locator('[data-presence="offline"]').waitFor({ ...WAIT, state: 'attached' });

    const readerPage = await person({ locale: 'en-US', viewport: DESKTOP }, reader);
    await readerPage.goto(`/clubs/${clubId}`);
    await readerPage.getByRole('heading', { level: 1, name: title }).waitFor(WAIT);
    await row.locator('[data-presence="online"]').waitFor(WAIT);
    assert.equal(await row.getByText('online', { exact: true }).isVisible(), true);

    await readerPage.close();
    await row.locator('[data-presence="offline"]').waitFor({ ...WAIT, state: 'attached' });
    await ownRow.locator('[data-presence="online"]').waitFor(WAIT);
  });

  it("follows the viewer's own membership live: asked to join, let in, then removed, said in words", async () => {
    assert.ok(clubId > 0, 'the club of an earlier test');
    const newcomer = await signUpAndLogin(http, { username: `newcomer${marker}` });
    const page = await person({ locale: 'en-US', viewport: DESKTOP }, newcomer);
    await page.goto(`/clubs/${clubId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor(WAIT);
    const tabs = page.getByRole('navigation', { name: 'Club sections' });
    await page.getByRole('region', { name: 'You are not a member of this club yet.' }).waitFor(WAIT);
    await tabs.getByRole('link', { name: 'Overview' }).waitFor(WAIT);
    assert.equal(await tabs.getByRole('link', { name: 'Chat' }).count(), 0);

    await admit(http, clubId, owner, newcomer);
    await tabs.getByRole('link', { name: 'Chat' }).waitFor(WAIT);
    assert.equal(await page.getByRole('region', { name: 'You are not a member of this club yet.' }).count(), 0);

    const removed = await http.request('DELETE', `/api/clubs/${clubId}/members/${newcomer.id}`, { token: owner.access });
    assert.equal(removed.status, 204, JSON.stringify(removed.body));
    await page.getByText('You were removed from this club.').waitFor(WAIT);
    await tabs.getByRole('link', { name: 'Chat' }).waitFor({ ...WAIT, state: 'detached' });
    await page.getByRole('region', { name: 'You are not a member of this club yet.' }).waitFor(WAIT);
  });

  it('recommends clubs with the reason on each card, in the viewer\'s language', async () => {
    assert.ok(clubId > 0, 'the club of an earlier test');
    // The reader belongs to a Thursday-evening club; a Thursday-morning one fits them (same weekday, no clash).
    const host = await signUpAndLogin(http, { username: `host${marker}` });
    const other = await createClub(http, host, { title: `Thursday poets ${marker}`, schedule: { times: 1, period: 'week', weekdays: [4], start_time: '10:00', duration_minutes: 60, time_zone: 'Asia/Seoul' } });
    const page = await person({ locale: 'ko-KR', viewport: DESKTOP }, reader);
    await page.goto('/discover');
    const card = page.getByRole('region', { name: '추천 모임' }).locator(`.club-card[data-club-id="${other.id}"]`);
    await card.waitFor(WAIT);
    assert.match((await card.locator('.club-card-reason').textContent()) ?? '', /추천 이유: .*내 모임과 같은 요일에 모임/);
  });

  it('shows the inbox on home, and marks an item read', async () => {
    assert.ok(clubId > 0, 'the club of an earlier test');
    const meetingTitle = `Chapter ${marker}`;
    const highlight = `Finish part two ${randomBytes(6).toString('hex')}`;
    await e2e.server.app.database.db
      .insertInto('inbox_items')
      .values({ user_id: owner.id, kind: 'meeting.missed', club_id: clubId, meeting_id: null, payload: JSON.stringify({ title: `What you missed: ${meetingTitle}`, meeting_title: meetingTitle, highlights: [highlight] }) })
      .execute();
    const page = await person({ locale: 'en-US', viewport: DESKTOP }, owner);
    await page.goto('/');
    const inbox = page.getByRole('region', { name: 'Inbox' });
    await inbox.getByText(`You missed “${meetingTitle}”`).waitFor(WAIT);
    await inbox.getByText(highlight).waitFor(WAIT);
    await inbox.getByRole('button', { name: 'Mark as read' }).click();
    await inbox.getByRole('button', { name: 'Mark as read' }).waitFor({ ...WAIT, state: 'detached' });
    const stored = await http.get('/api/me/inbox', owner.access);
    assert.ok(stored.body.items[0].read_at, JSON.stringify(stored.body));
  });

  it('gives a member a calendar address that serves the club’s meetings without signing in, and a new one on reset', async () => {
    const calendarTitle = `Monday calendar ${randomBytes(16).toString('hex')}`;
    const schedule = { times: 1, period: 'week', weekdays: [1], start_time: '20:00', duration_minutes: 90, time_zone: 'Europe/Berlin', starts_on: '2025-01-06' };
    const club = await createClub(http, owner, { title: calendarTitle, schedule });
    const page = await person({ locale: 'en-US', viewport: DESKTOP }, owner);
    await page.goto(`/clubs/${club.id}`);
    await page.getByRole('button', { name: 'Subscribe', exact: true }).click(WAIT);
    const address = page.getByRole('textbox', { name: 'Your calendar address' });
    await address.waitFor(WAIT);
    const url = await address.inputValue();
    assert.ok(url.startsWith(`${e2e.url}/api/calendar/feeds/`), url.slice(0, 60));
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), await address.getAttribute('id'), 'focus moves to the address');
    assert.equal(await page.getByRole('link', { name: 'Open in calendar app' }).getAttribute('href'), url.replace(/^https?:/, 'webcal:'));
    await assertAccessible(page, 'overview with the calendar address');
    await screenshot(page, 'club-calendar-subscribe-en-desktop');
    // A calendar app's fetch: no token.
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type') ?? '', /^text\/calendar/);
    const ics = (await feed.text()).replace(/\r\n /g, '');
    assert.ok(ics.includes(`SUMMARY:${calendarTitle}`) && ics.includes('BEGIN:VEVENT'), ics.slice(0, 200));
    await page.getByRole('button', { name: 'Reset address' }).click(WAIT);
    await page.getByRole('button', { name: 'Make a new address' }).click(WAIT);
    await page.getByText('New address ready').waitFor(WAIT);
    const renewed = await address.inputValue();
    assert.notEqual(renewed, url);
    assert.equal((await fetch(url)).status, 404);
    assert.equal((await fetch(renewed)).status, 200);
  });

  it('passes axe and is photographed: home, discover, overview and members, en and ko desktop and a phone', async () => {
    assert.ok(clubId > 0, 'the club of the earlier test');
    const views: View[] = [
      { name: 'en-desktop', page: await person({ locale: 'en-US', viewport: DESKTOP }, owner) },
      { name: 'ko-desktop', page: await person({ locale: 'ko-KR', viewport: DESKTOP }, owner) },
      { name: 'phone', page: await person({ locale: 'ko-KR', viewport: PHONE }, owner) },
    ];
    await everyView(views, 'home', '/', (page) => page.locator(`.home-clubs [data-club-id="${clubId}"] time`).waitFor(WAIT));
    await everyView(views, 'discover', '/discover', (page) => page.locator(`.club-card[data-club-id="${clubId}"]`).first().waitFor(WAIT));
    await everyView(views, 'overview', `/clubs/${clubId}`, (page) => page.locator('.overview-dates time').first().waitFor(WAIT));
    await everyView(views, 'members', `/clubs/${clubId}/members`, (page) => page.locator(`.members-list li[data-user-id="${owner.id}"] [data-presence="online"]`).waitFor(WAIT));
    await everyView(views, 'new-club', '/clubs/new', (page) => page.locator('form input').first().waitFor(WAIT));
  });
});
