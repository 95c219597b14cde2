// The club chat in a real browser, two members on two pages: they chat both ways; one drops
// off the network for a while (the socket really closes) while the other keeps sending and the
// one offline sends too; back online both pages list exactly the same messages in the same
// order, none missing and none doubled. Edits, deletions and the typing indicator reach the
// other page live; the "New" line marks what came while away. axe and screenshots of the chat
// in English and Korean on a desktop, and on a phone.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { HttpClient } from '../helpers/http.js';
import { connect, ok } from '../helpers/sockets.js';
import { DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer, type PersonOptions } from './harness.js';

const WAIT = { timeout: 20_000 };

interface Shown {
  id: number;
  text: string;
}

/** The confirmed messages a page shows, top to bottom: id and text (tombstones included). */
async function shownMessages(page: Page): Promise<Shown[]> {
  return page.evaluate<Shown[]>(`[...document.querySelectorAll('.chat-log [data-message-id]')].map((el) => ({
    id: Number(el.getAttribute('data-message-id')),
    text: (el.querySelector('.chat-text') ?? el.querySelector('.chat-deleted'))?.textContent ?? '',
  }))`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the whole page but the club header's like button (another screen's, checked by
 * its own test; its label does not contain its visible text yet).
 */
async function assertChatAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(axeSource);
  const bad = await page.evaluate<string[]>(`axe.run({ exclude: [['.like-button']] }, { resultTypes: ['violations'] }).then((r) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')))`);
  assert.deepEqual(bad, [], `axe-core on ${label}`);
}

describe('e2e: club chat', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  let http: HttpClient;
  let mina: TestAccount;
  let joon: TestAccount;
  let clubId = 0;
  const marker = randomBytes(6).toString('hex');
  const contexts: BrowserContext[] = [];

  async function person(account: TestAccount, options: PersonOptions): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await openPerson(e2e.url, options);
    contexts.push(context);
    track(page);
    const res = await http.post('/auth/jwt/create', { username: account.username, password: account.password });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const pair = JSON.stringify({ access: res.body.access, refresh: res.body.refresh });
    await page.goto('/404-before-sign-in');
    await page.evaluate(`localStorage.setItem('roundtable.session', ${JSON.stringify(pair)})`);
    return { context, page };
  }

  async function openChat(page: Page, composerName: string): Promise<void> {
    await page.goto(`/clubs/${clubId}/chat`);
    await page.getByRole('textbox', { name: composerName, exact: true }).waitFor(WAIT);
    await page.locator('.chat-log').waitFor(WAIT);
  }

  async function send(page: Page, composerName: string, text: string): Promise<void> {
    const box = page.getByRole('textbox', { name: composerName, exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  const row = (page: Page, text: string) => page.locator('.chat-log [data-message-id]', { hasText: text });

  before(async function () {
    requireBrowser(this);
    // Without connection state recovery, the missed messages come only from the client's catch-up;
    // without rate limits, a long history is seeded over a socket at once.
    e2e = await startE2EServer({ env: { SIGNALING_RECOVERY_SECONDS: '0', SIGNALING_CHAT_PER_MINUTE: '0', SIGNALING_EVENTS_PER_SECOND: '1000' } });
    http = new HttpClient(e2e.url);
    [mina, joon] = await Promise.all([signUpAndLogin(http, { username: `mina${marker}` }), signUpAndLogin(http, { username: `joon${marker}` })]);
    await http.patch('/api/me', { nickname: 'Mina' }, mina.access);
    await http.patch('/api/me', { nickname: 'Joon' }, joon.access);
    const club = await createClub(http, mina, { title: `Night owls ${marker}` });
    clubId = club.id;
    await admit(http, clubId, mina, joon);
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await e2e?.close();
  });

  it('chats both ways, loses nothing and doubles nothing across a dropped connection, and shows edits, deletions and typing live', async () => {
    const { page: minaPage } = await person(mina, { locale: 'en-US', viewport: DESKTOP });
    const { context: joonContext, page: joonPage } = await person(joon, { locale: 'ko-KR', viewport: DESKTOP });
    await openChat(minaPage, 'Message');
    await openChat(joonPage, '메시지');

    // Both ways: shown at once as sending, then confirmed on both pages.
    const hello = `Hello from Mina ${marker}`;
    await send(minaPage, 'Message', hello);
    await row(minaPage, hello).waitFor(WAIT);
    await row(joonPage, hello).waitFor(WAIT);
    const reply = `Joon answers ${marker}`;
    await send(joonPage, '메시지', reply);
    await row(minaPage, reply).waitFor(WAIT);

    // Typing: Mina sees Joon typing, and the line clears when his message arrives.
    const joonBox = joonPage.getByRole('textbox', { name: '메시지', exact: true });
    await joonBox.pressSequentially('thinking');
    const typing = minaPage.locator('.chat-typing');
    await typing.getByText('Joon is typing…').waitFor(WAIT);
    await joonBox.fill('');
    const afterTyping = `Joon typed this ${marker}`;
    await send(joonPage, '메시지', afterTyping);
    await row(minaPage, afterTyping).waitFor(WAIT);
    await minaPage.locator('.chat-typing[data-typing="false"]').waitFor(WAIT);

    // Joon drops off the network; the socket really closes (the shell's banner says so).
    const cdp = await joonContext.newCDPSession(joonPage);
    await cdp.send('Network.enable');
    await joonContext.setOffline(true);
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await joonPage.locator('[data-connection="offline"], [data-connection="reconnecting"]').waitFor(WAIT);

    const whileAway = [1, 2, 3].map((n) => `While Joon was away ${n} ${marker}`);
    for (const text of whileAway) {
      await send(minaPage, 'Message', text);
      await row(minaPage, text).waitFor(WAIT);
    }
    const fromOffline = `Joon wrote this offline ${marker}`;
    await send(joonPage, '메시지', fromOffline);
    await joonPage.locator('.chat-pending[data-state="sending"]', { hasText: fromOffline }).waitFor(WAIT);

    // Back online: Joon's message goes out once, and he gets what he missed.
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await joonContext.setOffline(false);
    await row(joonPage, fromOffline).waitFor(WAIT);
    await row(minaPage, fromOffline).waitFor(WAIT);
    for (const text of whileAway) await row(joonPage, text).waitFor(WAIT);
    await joonPage.locator('.chat-pending').waitFor({ state: 'detached', ...WAIT });

    const expected = [hello, reply, afterTyping, ...whileAway, fromOffline];
    const minaSees = await shownMessages(minaPage);
    const joonSees = await shownMessages(joonPage);
    assert.deepEqual(joonSees, minaSees, 'both pages show the same messages in the same order');
    assert.deepEqual(minaSees.map((m) => m.text), expected, 'every message once, in the order sent');
    assert.deepEqual([...minaSees].map((m) => m.id).sort((a, b) => a - b), minaSees.map((m) => m.id), 'ascending ids');
    const stored = await http.get(`/api/clubs/${clubId}/messages?limit=100`, mina.access);
    assert.deepEqual((stored.body.items as Array<{ body: string }>).map((m) => m.body).reverse(), expected, 'the server stored each once');

    // Edit and delete in place, seen live on the other page.
    const minaHello = row(minaPage, hello);
    await minaHello.hover();
    await minaHello.getByRole('button', { name: /^Edit/ }).click();
    const edited = `Hello again from Mina ${marker}`;
    const editBox = minaPage.getByRole('textbox', { name: 'Edit message' });
    await editBox.fill(edited);
    await editBox.press('Enter');
    await row(joonPage, edited).getByText('(수정됨)').waitFor(WAIT);

    const doomed = row(minaPage, whileAway[1]!);
    await doomed.hover();
    await doomed.getByRole('button', { name: /^Delete/ }).click();
    await minaPage.getByRole('button', { name: 'Delete', exact: true }).click();
    await joonPage.locator('.chat-log [data-deleted="true"]').getByText('삭제된 메시지입니다.').waitFor(WAIT);
    assert.equal(await row(joonPage, whileAway[1]!).count(), 0);

    // Keyboard: from the log, Tab reaches the first message's actions.
    await minaPage.locator('.chat-log').focus();
    await minaPage.keyboard.press('Tab');
    assert.equal(await minaPage.evaluate('document.activeElement?.textContent'), 'Edit');
    await minaPage.keyboard.press('Escape');

    await assertChatAccessible(minaPage, 'chat (en desktop)');
    await screenshot(minaPage, 'chat-en-desktop');
    await assertChatAccessible(joonPage, 'chat (ko desktop)');
    await screenshot(joonPage, 'chat-ko-desktop');

    // Away from the chat, Joon misses two messages; coming back shows them after the "New" line.
    await joonPage.goto(`/clubs/${clubId}`);
    await joonPage.getByRole('link', { name: '채팅' }).waitFor(WAIT);
    const missed = [`First missed ${marker}`, `Second missed ${marker}`];
    for (const text of missed) {
      await send(minaPage, 'Message', text);
      await row(minaPage, text).waitFor(WAIT);
    }
    await joonPage.close();
    const { page: phone } = await person(joon, { locale: 'en-US', viewport: PHONE });
    await openChat(phone, 'Message');
    await row(phone, missed[1]!).waitFor(WAIT);
    const order = await phone.evaluate<string[]>(`[...document.querySelectorAll('.chat-log .chat-unread, .chat-log [data-message-id]')].map((el) =>
      el.classList.contains('chat-unread') ? 'NEW' : el.querySelector('.chat-text, .chat-deleted')?.textContent ?? '')`);
    assert.deepEqual(order.slice(-3), ['NEW', ...missed]);
    await assertChatAccessible(phone, 'chat (phone)');
    await screenshot(phone, 'chat-phone-en');
  });

  it('loads older history as you scroll up, keeping the view still, until the start of the chat', async () => {
    const club = await createClub(http, mina, { title: `Long talkers ${marker}` });
    await admit(http, club.id, mina, joon);
    const socket = await connect(e2e.url, mina.access, { origin: e2e.url });
    const seeded = Array.from({ length: 75 }, (_, n) => `Seeded ${n + 1} ${marker}`);
    try {
      for (const [n, body] of seeded.entries()) await ok(socket, 'chat:send', { club_id: club.id, client_id: `seed-${marker}-${n}`, body });
    } finally {
      socket.close();
    }
    const { page } = await person(joon, { locale: 'en-US', viewport: DESKTOP });
    await page.goto(`/clubs/${club.id}/chat`);
    await row(page, seeded[74]!).waitFor(WAIT);
    await page.getByRole('button', { name: 'Show older messages' }).waitFor(WAIT);
    assert.equal((await shownMessages(page)).length, 50, 'one page at first');
    assert.equal(await page.evaluate<boolean>(`(() => { const log = document.querySelector('.chat-log'); return log.scrollHeight - log.scrollTop - log.clientHeight < 2; })()`), true, 'opens at the newest message');

    const firstShown = row(page, seeded[25]!);
    await page.evaluate(`document.querySelector('.chat-log').scrollTop = 0`);
    await row(page, seeded[0]!).waitFor({ state: 'attached', ...WAIT });
    await page.getByText('This is the start of the chat.').waitFor({ state: 'attached', ...WAIT });
    const shown = await shownMessages(page);
    assert.deepEqual(shown.map((m) => m.text), seeded, 'all of them, once, oldest first');
    // The message that was at the top is still at the top of the log, not pushed down by the older page.
    const log = await page.locator('.chat-log').boundingBox();
    const kept = await firstShown.boundingBox();
    assert.ok(log && kept && kept.y - log.y > -40 && kept.y - log.y < 200, `view kept still: the log's top at ${log?.y}, the message at ${kept?.y}`);
  });
});
