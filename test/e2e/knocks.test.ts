// Knocks in real browsers: someone asks to join through the club page, the owner's header
// badge counts it live, the owner lets them in from the badge's list, and the knocker's page
// turns into the member view without a reload. Also a change of role from the Manage tab and a
// refusal said in words. Screenshots and axe-core of the knock panel, the knock popover and
// the Manage tab in English and Korean, desktop and phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { createClub } from '../helpers/clubs.js';
import { assertAccessible, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

const WAIT = { timeout: 20_000 };

describe('e2e: knocks and the owner console', function () {
  this.timeout(240_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];
  let owner: TestAccount;
  let alice: TestAccount;
  let bob: TestAccount;
  let carol: TestAccount;
  let clubId: number;
  let privateClubId: number;
  const joinPassword = randomBytes(12).toString('hex');
  let ownerPage: Page;

  /** A person signed in by their tokens (no login form), on the club's page. */
  async function openSignedIn(account: TestAccount, options: Parameters<typeof openPerson>[1] = {}, path = `/clubs/${clubId}`): Promise<Page> {
    const { context, page } = await openPerson(e2e.url, options);
    contexts.push(context);
    await context.addInitScript(`localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: account.access, refresh: account.refresh }))})`);
    track(page);
    await page.goto(path);
    return page;
  }

  /** The header's knock button; its name carries the count ("2 people waiting to join"). */
  const badge = (page: Page, pattern: RegExp) => page.getByRole('button', { name: pattern });

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer();
    const http = e2e.server.http;
    const signUp = (prefix: string) => signUpAndLogin(http, { username: `${prefix}${randomBytes(4).toString('hex')}` });
    [owner, alice, bob, carol] = await Promise.all([signUp('host'), signUp('alice'), signUp('bob'), signUp('carol')]);
    const club = await createClub(http, owner, { title: 'Thursday readers', summary: 'Slow reading, long talks', max_members: 10 });
    clubId = club.id;
    const locked = await createClub(http, owner, { title: 'Quiet room', visibility: 'private', join_password: joinPassword });
    privateClubId = locked.id;
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('shows a knock live on the owner’s badge, and the knocker becomes a member without a reload', async () => {
    ownerPage = await openSignedIn(owner);
    await badge(ownerPage, /0 people waiting to join/).waitFor(WAIT);

    const knocker = await openSignedIn(alice);
    const ask = knocker.getByRole('button', { name: 'Ask to join' });
    await ask.waitFor(WAIT);
    // Set before anything happens: a reload or navigation would lose it.
    const marker = randomBytes(16).toString('hex');
    await knocker.evaluate(`window.__knockMarker = ${JSON.stringify(marker)}`);
    await assertAccessible(knocker, 'knock panel (en, desktop)');
    await screenshot(knocker, 'knocks-panel-en-desktop');

    const greeting = `Hello from the reading room ${randomBytes(8).toString('hex')}`;
    await knocker.getByLabel('A message for the hosts').fill(greeting);
    await ask.click();
    await knocker.getByText('You asked to join.', { exact: false }).waitFor(WAIT);

    // Live on the owner's page: no reload there either.
    await badge(ownerPage, /1 person waiting to join/).waitFor(WAIT);
    await badge(ownerPage, /waiting to join/).click();
    const popover = ownerPage.getByRole('region', { name: 'Asking to join' });
    await popover.getByText(greeting).waitFor(WAIT);
    await assertAccessible(ownerPage, 'knock popover (en, desktop)');
    await screenshot(ownerPage, 'knocks-popover-en-desktop');

    const item = popover.getByRole('listitem').filter({ hasText: alice.username });
    await item.getByRole('button', { name: 'Let in', exact: true }).click();
    await ownerPage.getByText(`${alice.username} is now a member.`).waitFor(WAIT);
    await badge(ownerPage, /0 people waiting to join/).waitFor(WAIT);

    // The knocker's page turns into the member view in place.
    await knocker.getByRole('link', { name: 'Chat' }).or(knocker.getByRole('tab', { name: 'Chat' })).first().waitFor(WAIT);
    assert.equal(await knocker.evaluate('window.__knockMarker'), marker);
    assert.equal(await knocker.evaluate("performance.getEntriesByType('navigation').length"), 1);
    await knocker.close();
  });

  it('changes a member’s role from the Manage tab', async () => {
    await ownerPage.keyboard.press('Escape');
    await ownerPage.getByRole('link', { name: 'Manage' }).or(ownerPage.getByRole('tab', { name: 'Manage' })).first().click();
    const members = ownerPage.getByRole('region', { name: 'Members' });
    const roleOfAlice = members.getByLabel(`Role of ${alice.username}`);
    await roleOfAlice.waitFor(WAIT);
    await assertAccessible(ownerPage, 'manage tab (en, desktop)');
    await screenshot(ownerPage, 'knocks-manage-en-desktop');

    await roleOfAlice.selectOption('moderator');
    await ownerPage.getByText(`${alice.username} is now: Moderator.`).waitFor(WAIT);
    const res = await e2e.server.http.get(`/api/clubs/${clubId}/members`, owner.access);
    assert.equal(res.status, 200);
    const row = (res.body.items as Array<{ user: { id: number }; role: string }>).find((m) => m.user.id === alice.id);
    assert.equal(row?.role, 'moderator');
  });

  it('posts a notice and adds and deletes a rule from the Manage tab, asking before the delete', async () => {
    const http = e2e.server.http;
    const notices = ownerPage.getByRole('region', { name: 'Notices' });
    const title = `Bring the book ${randomBytes(6).toString('hex')}`;
    await notices.getByLabel('Notice title').fill(title);
    await notices.getByRole('button', { name: 'Post notice' }).click();
    await notices.getByText(title).first().waitFor(WAIT);
    const posted = await http.get(`/api/clubs/${clubId}/notices`, owner.access);
    assert.ok((posted.body.items as Array<{ title: string }>).some((n) => n.title === title));

    const rules = ownerPage.getByRole('region', { name: 'Rules' });
    const rule = `Read to page ${randomBytes(6).toString('hex')} before we meet`;
    await rules.getByLabel('A new rule').fill(rule);
    await rules.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByText(rule).first().waitFor(WAIT);
    const deleteRule = rules.getByRole('listitem').filter({ hasText: rule }).getByRole('button', { name: /^Delete/ });
    await deleteRule.click();
    const dialog = ownerPage.getByRole('dialog', { name: 'Delete this rule?' });
    await dialog.waitFor(WAIT);
    // Cancelling keeps it; confirming deletes it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    assert.equal((await http.get(`/api/clubs/${clubId}/rules`, owner.access)).body.items.length, 1);
    await deleteRule.click();
    await ownerPage.getByRole('dialog', { name: 'Delete this rule?' }).getByRole('button', { name: 'Delete' }).click();
    await ownerPage.getByText('Rule deleted.').waitFor(WAIT);
    assert.equal((await http.get(`/api/clubs/${clubId}/rules`, owner.access)).body.items.length, 0);
  });

  it('says a refusal in words, in Korean', async () => {
    const knocker = await openSignedIn(bob, { locale: 'ko-KR' });
    const ask = knocker.getByRole('button', { name: '가입 요청하기' });
    await ask.waitFor(WAIT);
    await assertAccessible(knocker, 'knock panel (ko, desktop)');
    await screenshot(knocker, 'knocks-panel-ko-desktop');
    await ask.click();
    await knocker.getByText('가입을 요청했어요.', { exact: false }).waitFor(WAIT);

    // The Manage tab's list is live too.
    const waiting = ownerPage.getByRole('region', { name: 'Waiting to join' });
    const item = waiting.getByRole('listitem').filter({ hasText: bob.username });
    await item.getByRole('button', { name: 'Not now' }).click();
    await ownerPage.getByText(`${bob.username} was told “not now”.`).waitFor(WAIT);
    await knocker.getByText('다음에 함께해요.', { exact: false }).waitFor(WAIT);
    await knocker.getByRole('button', { name: '다시 요청하기' }).waitFor(WAIT);
    const club = await e2e.server.http.get(`/api/clubs/${clubId}`, bob.access);
    assert.equal(club.body.me.status, 'none');
    await knocker.close();
  });

  it('looks right on a phone and in Korean', async () => {
    const knocker = await openSignedIn(carol, { viewport: PHONE });
    const ask = knocker.getByRole('button', { name: 'Ask to join' });
    await ask.waitFor(WAIT);
    await assertAccessible(knocker, 'knock panel (en, phone)');
    await screenshot(knocker, 'knocks-panel-en-phone');
    await ask.click();
    await knocker.getByText('You asked to join.', { exact: false }).waitFor(WAIT);

    await badge(ownerPage, /1 person waiting to join/).waitFor(WAIT);
    await ownerPage.getByLabel('Language').selectOption('ko');
    await ownerPage.getByRole('region', { name: '모임 설정' }).waitFor(WAIT);
    await assertAccessible(ownerPage, 'manage tab (ko, desktop)');
    await screenshot(ownerPage, 'knocks-manage-ko-desktop');

    await badge(ownerPage, /1명이 기다리고 있어요/).click();
    const popover = ownerPage.getByRole('region', { name: '가입을 기다리는 분' }).filter({ hasText: carol.username });
    await popover.waitFor(WAIT);
    await assertAccessible(ownerPage, 'knock popover (ko, desktop)');
    await screenshot(ownerPage, 'knocks-popover-ko-desktop');

    await ownerPage.setViewportSize(PHONE);
    await assertAccessible(ownerPage, 'knock popover (ko, phone)');
    await screenshot(ownerPage, 'knocks-popover-ko-phone');
    await ownerPage.keyboard.press('Escape');
    await assertAccessible(ownerPage, 'manage tab (ko, phone)');
    await screenshot(ownerPage, 'knocks-manage-ko-phone');
  });

  it('asks for the password of a private club and says when it is wrong', async () => {
    const knocker = await openSignedIn(bob, { locale: 'ko-KR' }, `/clubs/${privateClubId}`);
    const password = knocker.getByLabel('모임 비밀번호');
    await password.waitFor(WAIT);
    await password.fill(randomBytes(12).toString('hex'));
    await knocker.getByRole('button', { name: '가입 요청하기' }).click();
    await knocker.getByText('모임 비밀번호가 맞지 않아요.').waitFor(WAIT);
    // Positive control: the right password gets the knock through.
    await password.fill(joinPassword);
    await knocker.getByRole('button', { name: '가입 요청하기' }).click();
    await knocker.getByText('가입을 요청했어요.', { exact: false }).waitFor(WAIT);
    await badge(ownerPage, /2명이 기다리고 있어요/).waitFor(WAIT);
    await knocker.close();

    // A decision made elsewhere (another host, here over REST) leaves the badge live too.
    const http = e2e.server.http;
    const waiting = await http.get(`/api/clubs/${clubId}/knocks`, owner.access);
    const carols = (waiting.body.items as Array<{ id: number; user: { id: number } }>).find((k) => k.user.id === carol.id);
    assert.ok(carols, JSON.stringify(waiting.body));
    const decided = await http.post(`/api/clubs/${clubId}/knocks/${carols.id}/decision`, { decision: 'admit_once' }, owner.access);
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    await badge(ownerPage, /1명이 기다리고 있어요/).waitFor(WAIT);
    await ownerPage.getByRole('region', { name: '들어오기를 기다리는 분' }).getByText(carol.username).waitFor({ state: 'detached', ...WAIT });
  });
});
