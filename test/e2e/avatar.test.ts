// The profile picture in a real browser: chosen on the settings page, sent with its progress,
// shown from the server (the image really loads), refused in words when the file is not a
// picture, and seen again on a phone in Korean; then beside its person's name in a club's
// Members tab and chat, for someone else.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import { photo } from '../helpers/images.js';
import { connect, ok } from '../helpers/sockets.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

const SESSION_KEY = 'roundtable.session';
const WAIT = { timeout: 20_000 };
/**
 * The natural width of the picture in the settings page's picture section once it has loaded
 * (0 if it failed). Evaluated over CDP: the page's CSP forbids the eval that waitForFunction uses.
 */
const PICTURE_WIDTH = `new Promise((resolve) => {
  const img = document.querySelector('.avatar-row img');
  if (img.complete) resolve(img.naturalWidth);
  img.addEventListener('load', () => resolve(img.naturalWidth), { once: true });
  img.addEventListener('error', () => resolve(0), { once: true });
})`;
/** The natural width of the first loaded picture matching `selector` (0 if it failed). */
const loadedWidth = (selector: string) => `new Promise((resolve) => {
  const img = document.querySelector(${JSON.stringify(selector)});
  if (img.complete) resolve(img.naturalWidth);
  img.addEventListener('load', () => resolve(img.naturalWidth), { once: true });
  img.addEventListener('error', () => resolve(0), { once: true });
})`;

describe('e2e: profile picture', function () {
  this.timeout(240_000);
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

  /** The person signed in through a fresh token pair of their own, on the settings page (or `at`). */
  async function openSettings(person: TestAccount, options: Parameters<typeof openPerson>[1], at = '/settings'): Promise<Page> {
    const login = await e2e.server.http.post('/auth/jwt/create', { username: person.username, password: person.password });
    assert.equal(login.status, 200);
    const { context, page } = await openPerson(e2e.url, options);
    contexts.push(context);
    const pair = JSON.stringify({ access: login.body.access, refresh: login.body.refresh });
    await context.addInitScript(`if (!localStorage.getItem(${JSON.stringify(SESSION_KEY)})) localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(pair)});`);
    track(page);
    await page.goto(at);
    return page;
  }

  it('uploads a PNG from the settings page, shows it loaded, and refuses a text file named .png in words', async () => {
    const nickname = `Reader ${randomBytes(4).toString('hex')}`;
    const person = await signUpAndLogin(e2e.server.http);
    assert.equal((await e2e.server.http.patch('/api/me', { nickname }, person.access)).status, 200);

    const page = await openSettings(person, { locale: 'en-US', viewport: DESKTOP });
    const section = page.getByRole('region', { name: 'Profile picture' });
    await section.waitFor(WAIT);
    // Before: the initial, named for screen readers since no name stands beside it.
    await section.getByRole('img', { name: nickname }).waitFor(WAIT);
    assert.equal(await section.locator('img').count(), 0);

    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/me/avatar') && r.request().method() === 'POST', WAIT);
    await page.locator('input[type=file]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await photo(400, 300) });
    assert.equal((await uploaded).status(), 200);
    await section.locator('img').waitFor(WAIT);
    assert.ok((await page.evaluate<number>(PICTURE_WIDTH)) > 0, 'the picture loads');
    await section.getByRole('img', { name: nickname }).waitFor(WAIT);
    await section.getByRole('status').getByText('Your new picture is up.').waitFor(WAIT);
    await section.getByRole('button', { name: 'Change picture' }).waitFor(WAIT);
    // The me signal changed too: the page's own header line shows the picture (no alt: the name is beside it).
    await page.locator('.settings-who img[alt=""]').waitFor(WAIT);
    await screenshot(page, 'avatar-settings-en-desktop');
    await assertAccessible(page, 'settings with a profile picture (en, desktop)');

    const fake = Buffer.from(`these are reading notes, not a picture ${randomBytes(16).toString('hex')}\n`.repeat(10));
    await page.locator('input[type=file]').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: fake });
    await section.getByRole('alert').getByText("That file isn't a PNG, JPEG or WebP picture.").waitFor(WAIT);
    // The picture from before stays.
    assert.ok((await page.evaluate<number>(PICTURE_WIDTH)) > 0, 'the earlier picture is still shown');
    await screenshot(page, 'avatar-settings-refused-en-desktop');

    const phone = await openSettings(person, { locale: 'ko-KR', viewport: PHONE });
    await phone.getByRole('region', { name: '프로필 사진' }).locator('img').waitFor(WAIT);
    assert.ok((await phone.evaluate<number>(PICTURE_WIDTH)) > 0, 'the picture loads on the phone');
    await screenshot(phone, 'avatar-settings-ko-phone');
    await assertAccessible(phone, 'settings with a profile picture (ko, phone)');

    // Removing it brings the initial back.
    await section.getByRole('button', { name: 'Remove picture' }).click();
    await section.getByRole('status').getByText('Your picture is removed.').waitFor(WAIT);
    assert.equal(await section.locator('img').count(), 0);
    await section.getByRole('img', { name: nickname }).waitFor(WAIT);
  });

  it('shows a member’s picture beside their name in the Members tab and on their chat messages, to someone else', async () => {
    const http = e2e.server.http;
    const nickname = `Pictured ${randomBytes(4).toString('hex')}`;
    const [owner, reader] = await Promise.all([signUpAndLogin(http), signUpAndLogin(http)]);
    assert.equal((await http.patch('/api/me', { nickname }, reader.access)).status, 200);
    const form = new FormData();
    form.append('avatar', new Blob([await photo(300, 300)], { type: 'image/png' }), 'me.png');
    const uploaded = await fetch(`${e2e.url}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${reader.access}` }, body: form });
    const url = ((await uploaded.json()) as { avatar_url: string }).avatar_url;
    assert.equal(uploaded.status, 200);
    const club = await createClub(http, owner, { title: `Picture readers ${randomBytes(4).toString('hex')}` });
    await admit(http, club.id, owner, reader);
    const socket = await connect(e2e.url, reader.access);
    const said = `Chapter two made me cry ${randomBytes(8).toString('hex')}`;
    try {
      await ok(socket, 'chat:send', { club_id: club.id, client_id: `c-${randomBytes(8).toString('hex')}`, body: said });
    } finally {
      socket.close();
    }

    // The reader's row shows their picture (no alt: the name stands beside it); the owner, without one, their initial.
    const inMembers = `.members-list li[data-user-id="${reader.id}"] img[alt=""][data-src="${url}"]`;
    const inChat = `.chat-log [data-author-id="${reader.id}"] img[alt=""][data-src="${url}"]`;
    for (const [options, label] of [
      [{ locale: 'en-US', viewport: DESKTOP }, 'en-desktop'],
      [{ locale: 'ko-KR', viewport: PHONE }, 'ko-phone'],
    ] as const) {
      const page = await openSettings(owner, options, `/clubs/${club.id}/members`);
      await page.locator(inMembers).waitFor(WAIT);
      assert.ok((await page.evaluate<number>(loadedWidth(inMembers))) > 0, `the picture loads in the Members tab (${label})`);
      assert.equal(await page.locator(`.members-list li[data-user-id="${owner.id}"] img`).count(), 0, 'no picture for someone without one');
      await screenshot(page, `avatar-members-${label}`);
      await assertAccessible(page, `members with a picture (${label})`);

      await page.goto(`/clubs/${club.id}/chat`);
      const message = page.locator('.chat-log [data-message-id]', { hasText: said });
      await message.waitFor(WAIT);
      await page.locator(inChat).waitFor(WAIT);
      assert.equal(await message.locator(`img[data-src="${url}"]`).count(), 1, 'the picture is beside the message');
      assert.ok((await page.evaluate<number>(loadedWidth(inChat))) > 0, `the picture loads in the chat (${label})`);
      await message.getByText(nickname).waitFor(WAIT);
      await screenshot(page, `avatar-chat-${label}`);
      await assertAccessible(page, `chat with a picture (${label})`);
    }
  });
  it('shows pictures and nicknames beside the authors of a post and a comment, and beside a knocker in the owner’s knock list', async () => {
    const http = e2e.server.http;
    const [owner, writer, knocker] = await Promise.all([signUpAndLogin(http), signUpAndLogin(http), signUpAndLogin(http)]);
    const pictureOf = async (person: TestAccount, side: number): Promise<string> => {
      const form = new FormData();
      form.append('avatar', new Blob([await photo(side, side)], { type: 'image/png' }), 'me.png');
      const res = await fetch(`${e2e.url}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${person.access}` }, body: form });
      assert.equal(res.status, 200);
      return ((await res.json()) as { avatar_url: string }).avatar_url;
    };
    const [writerUrl, knockerUrl] = await Promise.all([pictureOf(writer, 300), pictureOf(knocker, 280)]);
    const [writerName, knockerName] = [`Ink reader ${randomBytes(4).toString('hex')}`, `Door reader ${randomBytes(4).toString('hex')}`];
    assert.equal((await http.patch('/api/me', { nickname: writerName }, writer.access)).status, 200);
    assert.equal((await http.patch('/api/me', { nickname: knockerName }, knocker.access)).status, 200);
    const club = await createClub(http, owner, { title: `Pictured posts ${randomBytes(4).toString('hex')}` });
    await admit(http, club.id, owner, writer);
    const title = `Who was the narrator ${randomBytes(8).toString('hex')}`;
    const post = await http.post(`/api/clubs/${club.id}/posts`, { title, content: `I think it was the sister ${randomBytes(8).toString('hex')}` }, writer.access);
    assert.equal(post.status, 201, JSON.stringify(post.body));
    const comment = `Or the house itself ${randomBytes(8).toString('hex')}`;
    assert.equal((await http.post(`/api/posts/${post.body.id}/comments`, { content: comment }, writer.access)).status, 201);
    assert.equal((await http.post(`/api/clubs/${club.id}/knocks`, { message: `May I join ${randomBytes(4).toString('hex')}` }, knocker.access)).status, 201);

    const page = await openSettings(owner, { locale: 'en-US', viewport: DESKTOP }, `/clubs/${club.id}/posts`);
    await page.getByRole('button', { name: title, exact: true }).click(WAIT);
    await page.getByText(comment).waitFor(WAIT);
    const inPost = `.content-post .content-post-title + p img[alt=""][data-src="${writerUrl}"]`;
    const inComment = `.content-comment img[alt=""][data-src="${writerUrl}"]`;
    for (const [selector, where] of [[inPost, 'post'], [inComment, 'comment']] as const) {
      await page.locator(selector).waitFor(WAIT);
      assert.ok((await page.evaluate<number>(loadedWidth(selector))) > 0, `the picture loads beside the ${where}`);
    }
    // The nickname is the name shown (the username is its tooltip), as in the Members tab and chat.
    await page.locator('.content-post .content-post-title + p .content-byline', { hasText: writerName }).waitFor(WAIT);
    await page.locator('.content-comment .content-author', { hasText: writerName }).waitFor(WAIT);
    await screenshot(page, 'avatar-posts-en-desktop');

    await page.goto(`/clubs/${club.id}/manage`);
    const inKnock = `.knock-item img[alt=""][data-src="${knockerUrl}"]`;
    await page.locator(inKnock).waitFor(WAIT);
    assert.ok((await page.evaluate<number>(loadedWidth(inKnock))) > 0, 'the picture loads beside the knock');
    const knockItem = page.locator('.knock-item', { hasText: knockerName });
    assert.equal(await knockItem.locator(`img[data-src="${knockerUrl}"]`).count(), 1);
    await knockItem.getByText(`@${knocker.username}`).waitFor(WAIT);
    await screenshot(page, 'avatar-knocks-en-desktop');
  });
});
