// The club's content tabs in a real browser: a study group with a reading list, progress, goals,
// a post, a finished meeting with minutes and dues, all set up over REST; a member reads each
// tab, logs progress and comments through the page; dues read differently for a member and a
// moderator. Every tab is photographed in English and Korean on a desktop and on a phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { appendBlocks } from '../../shared/notes-schema.js';
import type { TestAccount } from '../helpers/accounts.js';
import { clubWithCast, type ClubCast } from '../helpers/clubs.js';
import type { HttpClient } from '../helpers/http.js';
import { openProvider } from '../helpers/notes.js';
import { waitFor } from '../helpers/wait.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

const TABS = ['reading', 'goals', 'posts', 'meetings', 'dues'] as const;
const WAIT = { timeout: 20_000 };

function marker(): string {
  return randomBytes(16).toString('hex');
}

function daysFromToday(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function ok<T = any>(promise: Promise<{ status: number; body: T }>, status = 201): Promise<T> {
  const res = await promise;
  assert.equal(res.status, status, JSON.stringify(res.body));
  return res.body;
}

interface Scene {
  cast: ClubCast;
  bookTitle: string;
  nextTitle: string;
  goalTitle: string;
  undatedGoal: string;
  postTitle: string;
  postBody: string;
  meetingTitle: string;
  minutesLine: string;
  liveTitle: string;
}

async function buildScene(e2e: E2EServer): Promise<Scene> {
  const http: HttpClient = e2e.server.http;
  const cast = await clubWithCast(http, { kind: 'study', title: `Tuesday study ${marker().slice(0, 6)}` });
  const { clubId, owner, moderator, member } = cast;
  const scene = {
    cast,
    bookTitle: `The Quiet Shore ${marker()}`,
    nextTitle: `Winter Letters ${marker()}`,
    goalTitle: `Finish part one ${marker()}`,
    undatedGoal: `Bring a question ${marker()}`,
    postTitle: `About chapter three ${marker()}`,
    postBody: `The lighthouse scene stayed with me ${marker()}`,
    meetingTitle: `First discussion ${marker()}`,
    minutesLine: `We agreed the ending is open ${marker()}`,
    liveTitle: `Drop-in reading hour ${marker()}`,
  };
  const book = await ok(http.post('/api/books', { title: scene.bookTitle, author: 'Han Seo-yeon' }, owner.access));
  const next = await ok(http.post('/api/books', { title: scene.nextTitle, author: 'Mira Lenz' }, owner.access));
  await ok(http.post(`/api/clubs/${clubId}/reading-list`, { book_id: book.id, chapters: '1–4', target_date: daysFromToday(10) }, owner.access));
  await ok(http.post(`/api/clubs/${clubId}/reading-list`, { book_id: next.id, target_date: daysFromToday(40) }, owner.access));
  await ok(http.post('/api/me/reading-logs', { book_id: book.id, club_id: clubId, progress: 40 }, moderator.access));

  await ok(http.post(`/api/clubs/${clubId}/goals`, { type: 'homework', title: scene.goalTitle, starts_on: daysFromToday(-3), ends_on: daysFromToday(10) }, owner.access));
  const undated = await ok(http.post(`/api/clubs/${clubId}/goals`, { type: 'other', title: scene.undatedGoal, starts_on: '', ends_on: '' }, owner.access));
  await ok(http.post(`/api/clubs/${clubId}/goals/${undated.id}/done`, { done: true }, moderator.access), 200);

  await ok(http.post(`/api/clubs/${clubId}/posts`, { title: scene.postTitle, content: scene.postBody }, moderator.access));

  // A meeting held now, its minutes written into the notes, then ended; another left live.
  const meeting = await ok(http.post(`/api/clubs/${clubId}/meetings`, { title: scene.meetingTitle }, owner.access));
  const notes = await openProvider(e2e.server, owner, `meeting.${meeting.id}`);
  appendBlocks(notes.doc, [
    { type: 'heading', level: 2, content: [{ text: 'Chapter three' }] },
    { type: 'paragraph', content: [{ text: scene.minutesLine }] },
    { type: 'paragraph', content: [{ text: `Dana will bring the map by Friday.` }] },
  ]);
  await waitFor(async () => {
    const res = await fetch(`${e2e.url}/api/collab/meeting.${meeting.id}/export?format=md`, { headers: { authorization: `Bearer ${owner.access}` } });
    return (await res.text()).includes(scene.minutesLine);
  }, 'the minutes reach the server', 10_000, 50);
  notes.close();
  await ok(http.post(`/api/meetings/${meeting.id}/end`, undefined, owner.access), 200);
  // The summary is made from those minutes: the decision and the action item cite their paragraphs.
  await ok(http.post(`/api/meetings/${meeting.id}/summary`, undefined, owner.access), 202);
  await waitFor(async () => (await http.get(`/api/meetings/${meeting.id}/summary`, owner.access)).body?.status === 'completed', 'the summary is written', 20_000, 100);
  await ok(http.post(`/api/clubs/${clubId}/meetings`, { title: scene.liveTitle }, owner.access));

  await ok(http.request('PUT', `/api/clubs/${clubId}/seasons/1/dues/${member.id}`, { body: { paid: true, amount: 15_000, paid_on: daysFromToday(-1) }, token: owner.access }), 200);
  await ok(http.request('PUT', `/api/clubs/${clubId}/seasons/1/dues/${moderator.id}`, { body: { paid: false, amount: 0 }, token: owner.access }), 200);
  return scene;
}

/** A person signed in by tokens (no login form), on a page of the app. */
async function signedIn(e2e: E2EServer, account: TestAccount, options: Parameters<typeof openPerson>[1]): Promise<{ context: BrowserContext; page: Page }> {
  const person = await openPerson(e2e.url, options);
  await person.context.addInitScript(`localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: account.access, refresh: account.refresh }))})`);
  track(person.page);
  return person;
}

describe('e2e: the club content tabs', function () {
  this.timeout(240_000);
  let e2e: E2EServer;
  let scene: Scene;
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer();
    scene = await buildScene(e2e);
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
    for (const context of contexts.splice(0)) await context.close();
  });
  after(async () => {
    await e2e?.close();
  });

  it('shows a member the reading list with progress, and saves their own progress', async () => {
    const { context, page } = await signedIn(e2e, scene.cast.member, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(context);
    await page.goto(`/clubs/${scene.cast.clubId}/reading`);
    const book = page.getByRole('article', { name: scene.bookTitle });
    await book.waitFor(WAIT);
    await page.getByRole('heading', { name: 'Reading now' }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Up next' }).waitFor(WAIT);
    await book.getByRole('progressbar', { name: `${scene.cast.moderator.username}: 40%` }).waitFor(WAIT);

    await book.getByLabel('Percent read').fill('250');
    await book.getByRole('button', { name: 'Save progress' }).click();
    await book.getByText('Enter a whole number from 0 to 100.').waitFor(WAIT);

    await book.getByLabel('By page').check();
    await book.getByLabel('Page you are on').fill('60');
    await book.getByLabel('Pages in the book').fill('200');
    await book.getByRole('button', { name: 'Save progress' }).click();
    await book.getByText('Saved: 30%.').waitFor(WAIT);
    await book.getByRole('progressbar', { name: `${scene.cast.member.username}: 30%` }).waitFor(WAIT);
    await book.getByText(`${scene.cast.member.username} (you)`).waitFor(WAIT);

    // Offline, the save says so in words and keeps the saved figure.
    await context.setOffline(true);
    await book.getByLabel('In percent').check();
    await book.getByLabel('Percent read').fill('55');
    await book.getByRole('button', { name: 'Save progress' }).click();
    await book.getByRole('alert').getByText("Can't reach the server. Check your connection.").waitFor(WAIT);
    await context.setOffline(false);
    await book.getByRole('progressbar', { name: `${scene.cast.member.username}: 30%` }).waitFor(WAIT);

    const logs = await e2e.server.http.get(`/api/clubs/${scene.cast.clubId}/reading-logs`, scene.cast.owner.access);
    assert.ok(logs.body.items.some((log: { user: { id: number }; progress: number }) => log.user.id === scene.cast.member.id && log.progress === 30), JSON.stringify(logs.body));
  });

  it('shows goals with their dates and how many are done, and a new one as it is set', async () => {
    const { context, page } = await signedIn(e2e, scene.cast.member, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(context);
    await page.goto(`/clubs/${scene.cast.clubId}/goals`);
    await page.getByRole('heading', { name: scene.goalTitle }).waitFor(WAIT);
    await page.getByText('1 of 2 goals done').first().waitFor(WAIT);
    const undated = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: scene.undatedGoal }) });
    await undated.getByText('No dates set').waitFor(WAIT);
    await page.getByRole('button', { name: `Mark done: ${scene.goalTitle}` }).click();
    await page.getByText('2 of 2 goals done').first().waitFor(WAIT);
    await page.getByRole('button', { name: `Mark not done: ${scene.goalTitle}` }).click();
    await page.getByText('1 of 2 goals done').first().waitFor(WAIT);

    // A goal set meanwhile appears without reloading, once the page follows the club.
    await waitFor(async () => {
      const sockets = await e2e.server.app.signaling.io.in(`club:${scene.cast.clubId}`).fetchSockets();
      return sockets.some((socket) => socket.data.userId === scene.cast.member.id);
    }, 'the member\'s page follows the club', 20_000, 50);
    const later = `Read the afterword ${marker()}`;
    const created = await ok(e2e.server.http.post(`/api/clubs/${scene.cast.clubId}/goals`, { type: 'sub_goal', title: later }, scene.cast.owner.access));
    await page.getByRole('heading', { name: later }).waitFor(WAIT);
    await page.getByText('1 of 3 goals done').first().waitFor(WAIT);
    await ok(e2e.server.http.request('DELETE', `/api/clubs/${scene.cast.clubId}/goals/${created.id}`, { token: scene.cast.owner.access }), 204);
  });

  it('opens a post, adds a comment, and writes, edits and deletes a post through the page', async () => {
    const { context, page } = await signedIn(e2e, scene.cast.member, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(context);
    await page.goto(`/clubs/${scene.cast.clubId}/posts`);
    await page.getByRole('button', { name: scene.postTitle, exact: true }).click(WAIT);
    await page.getByText(scene.postBody).waitFor(WAIT);
    await page.getByText('No comments yet.').waitFor(WAIT);
    const words = `I read it twice ${marker()}`;
    await page.getByLabel('Your comment').fill(words);
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByText(words).waitFor(WAIT);
    await page.getByText('1 comment', { exact: true }).waitFor(WAIT);
    const comments = await e2e.server.http.get(`/api/posts/${await postId(e2e, scene)}/comments`, scene.cast.owner.access);
    assert.equal(comments.body.items[0]?.content, words);

    const title = `My own thoughts ${marker()}`;
    await page.getByRole('button', { name: 'Write a post' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('What would you like to say?').fill(`Short and plain ${marker()}`);
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    await page.getByRole('button', { name: title, exact: true }).waitFor(WAIT);
    const posts = await e2e.server.http.get(`/api/clubs/${scene.cast.clubId}/posts`, scene.cast.owner.access);
    assert.equal(posts.body.items[0]?.title, title);

    // Their own post: edit it, then delete it (after saying yes); the other post stays.
    const retitled = `My second thoughts ${marker()}`;
    await page.getByRole('button', { name: title, exact: true }).click();
    const own = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: title, exact: true }) });
    await own.getByRole('button', { name: 'Edit' }).click();
    await own.getByLabel('Title').fill(retitled);
    await own.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: retitled, exact: true }).waitFor(WAIT);
    const ownNow = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: retitled, exact: true }) });
    await ownNow.getByRole('button', { name: 'Delete' }).click();
    await ownNow.getByRole('group', { name: 'Delete this post?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: retitled, exact: true }).waitFor({ state: 'detached', ...WAIT });
    await page.getByRole('button', { name: scene.postTitle, exact: true }).waitFor(WAIT);
    const left = await e2e.server.http.get(`/api/clubs/${scene.cast.clubId}/posts`, scene.cast.owner.access);
    assert.deepEqual(left.body.items.map((p: { title: string }) => p.title), [scene.postTitle]);
  });

  it('lets someone outside a public club read a post and report it, as the server allows', async () => {
    const { context, page } = await signedIn(e2e, scene.cast.outsider, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(context);
    await page.goto(`/clubs/${scene.cast.clubId}/posts`);
    await page.getByRole('button', { name: scene.postTitle, exact: true }).click(WAIT);
    await page.getByText(scene.postBody).waitFor(WAIT);
    // An outsider may not write: no comment box; reading is enough to report.
    assert.equal(await page.getByLabel('Your comment').count(), 0);
    const detail = `Selling something here ${marker()}`;
    await page.getByRole('button', { name: `Report “${scene.postTitle}”` }).click();
    const form = page.getByRole('form', { name: 'Report this post' });
    await form.getByRole('radio', { name: 'Spam or advertising' }).check();
    await form.getByLabel('Anything the hosts should know? (optional)').fill(detail);
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Thanks, the hosts will look at it.', { exact: true }).waitFor(WAIT);
    const queue = await e2e.server.http.get(`/api/clubs/${scene.cast.clubId}/reports`, scene.cast.owner.access);
    assert.equal(queue.status, 200, JSON.stringify(queue.body));
    assert.ok((queue.body.items as Array<{ detail: string }>).some((r) => r.detail === detail), 'the report reaches the club’s queue');
  });

  it('shows past meetings with their minutes, and a live one to join', async () => {
    const { context, page } = await signedIn(e2e, scene.cast.member, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(context);
    await page.goto(`/clubs/${scene.cast.clubId}/meetings`);
    await page.getByRole('link', { name: `Join ${scene.liveTitle}` }).waitFor(WAIT);
    await page.getByRole('button', { name: scene.meetingTitle }).click(WAIT);
    await page.locator('pre').filter({ hasText: scene.minutesLine }).waitFor(WAIT);
    const record = page.locator(`[id^="meeting-"][id$="-record"]`);
    await record.getByRole('heading', { name: 'Decisions' }).waitFor(WAIT);
    await record.getByRole('heading', { name: 'Action items' }).waitFor(WAIT);
    await record.getByText('by Friday').first().waitFor(WAIT);
    await record.getByRole('list', { name: 'Sources' }).getByText(/^Minutes, paragraph \d+$/).first().waitFor(WAIT);
    await page.getByRole('link', { name: 'Download as Markdown' }).waitFor(WAIT);
  });

  it('shows a member their own dues, and a moderator everyone’s with the totals', async () => {
    const member = await signedIn(e2e, scene.cast.member, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(member.context);
    await member.page.goto(`/clubs/${scene.cast.clubId}/dues`);
    await member.page.getByText('Your dues').waitFor(WAIT);
    await member.page.getByText('150.00').waitFor(WAIT);
    assert.equal(await member.page.getByText('Club total').count(), 0);

    const moderator = await signedIn(e2e, scene.cast.moderator, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(moderator.context);
    await moderator.page.goto(`/clubs/${scene.cast.clubId}/dues`);
    await moderator.page.getByText('Club total').waitFor(WAIT);
    const table = moderator.page.getByRole('table');
    await table.getByRole('rowheader', { name: scene.cast.member.username }).waitFor(WAIT);
    await table.getByRole('row', { name: new RegExp(scene.cast.moderator.username) }).getByText('Not paid yet').waitFor(WAIT);
    await screenshot(moderator.page, 'content-dues-moderator-en-desktop');
    await assertAccessible(moderator.page, 'dues (moderator)');
  });

  for (const look of [
    { name: 'en-desktop', locale: 'en-US', viewport: DESKTOP, ready: { reading: 'Reading now', goals: 'Goals', posts: 'Posts', meetings: 'Past meetings', dues: 'Dues' } },
    { name: 'ko-desktop', locale: 'ko-KR', viewport: DESKTOP, ready: { reading: '지금 읽는 책', goals: '목표', posts: '게시글', meetings: '지난 모임', dues: '회비' } },
    { name: 'en-phone', locale: 'en-US', viewport: PHONE, ready: { reading: 'Reading now', goals: 'Goals', posts: 'Posts', meetings: 'Past meetings', dues: 'Dues' } },
  ] as const) {
    it(`photographs every tab (${look.name}) and passes axe`, async () => {
      const { context, page } = await signedIn(e2e, scene.cast.member, { locale: look.locale, viewport: look.viewport });
      contexts.push(context);
      for (const tab of TABS) {
        await page.goto(`/clubs/${scene.cast.clubId}/${tab}`);
        await page.getByRole('heading', { name: look.ready[tab], exact: true }).waitFor(WAIT);
        // Open what a reader would open: the post with its comments, the meeting with its minutes.
        if (tab === 'posts') {
          await page.getByRole('button', { name: scene.postTitle, exact: true }).click(WAIT);
          await page.getByText(scene.postBody).waitFor(WAIT);
        }
        if (tab === 'meetings') {
          await page.getByRole('button', { name: scene.meetingTitle }).click(WAIT);
          await page.locator('pre').filter({ hasText: scene.minutesLine }).waitFor(WAIT);
        }
        if (tab === 'dues') await page.locator('.content-facts').waitFor(WAIT);
        await page.locator('.status-loading').first().waitFor({ state: 'detached', ...WAIT });
        await screenshot(page, `content-${tab}-${look.name}`);
        await assertAccessible(page, `${tab} tab (${look.name})`);
      }
    });
  }
});

async function postId(e2e: E2EServer, scene: Scene): Promise<number> {
  const posts = await e2e.server.http.get(`/api/clubs/${scene.cast.clubId}/posts`, scene.cast.owner.access);
  const post = posts.body.items.find((p: { title: string }) => p.title === scene.postTitle);
  assert.ok(post, JSON.stringify(posts.body));
  return post.id as number;
}
