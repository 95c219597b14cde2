// Raised hands and screen sharing in the meeting room, in real Chromium against a real server
// with one media worker. The member raises a hand: the owner sees the queue and the badge on
// the member's tile, and lowers it. Then the member shares their screen: the owner receives it
// in a tile of its own, and the tile goes when sharing stops.
//
// The member's browser is launched here with the flags screen capture needs headless (a fake
// desktop chosen without a picker); the owner uses the harness's shared browser.
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestAccount } from '../helpers/accounts.js';
import { liveMeetingOfTwo, signIn } from './meeting-helpers.js';
import { assertAccessible, CHROMIUM_PATH, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

/** Bytes received so far for the video shown in the screen tile (matched by its track), or -1 while there is none. */
const SCREEN_BYTES = `(async () => {
  const video = document.querySelector('.tile-screen video');
  const track = video && video.srcObject ? video.srcObject.getVideoTracks()[0] : null;
  if (!track) return -1;
  let bytes = -1;
  for (const pc of window.__peerConnections ?? []) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && s.trackIdentifier === track.id) bytes = Math.max(bytes, 0) + (s.bytesReceived ?? 0);
    });
  }
  return bytes;
})()`;

/** Waits until the screen tile's video has received `by` more bytes than when first seen (stats have no event: polled). */
async function screenGrows(page: Page, by: number, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let start = -1;
  for (;;) {
    const now = await page.evaluate<number>(SCREEN_BYTES);
    if (start < 0) start = now;
    if (start >= 0 && now - start >= by) return;
    if (Date.now() > deadline) throw new Error(`the screen tile's video grew from ${start} to ${now} bytes only, wanted ${by} more`);
    await page.waitForTimeout(250);
  }
}

describe('e2e: meeting hands and screen share', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  let captureBrowser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let owner: TestAccount;
  let member: TestAccount;
  let meetingId: number;
  let ownerPage: Page;
  let memberPage: Page;

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer({ env: { SFU_WORKERS: '1' } });
    const http = e2e.server.http;
    ({ owner, member, meetingId } = await liveMeetingOfTwo(http, 'Chapter twelve, hands up'));
    captureBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        '--auto-select-desktop-capture-source=Entire screen',
      ],
    });
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await captureBrowser?.close();
    await e2e?.close();
  });

  it('the member raises a hand; the owner sees the queue and the badge and lowers it', async () => {
    const ownerSide = await openPerson(e2e.url, { locale: 'en-US' });
    assert.ok(captureBrowser);
    const memberContext = await captureBrowser.newContext({ baseURL: e2e.url, locale: 'ko-KR', viewport: PHONE, timezoneId: 'Asia/Seoul' });
    contexts.push(ownerSide.context, memberContext);
    await signIn(ownerSide.context, owner);
    await signIn(memberContext, member);
    ownerPage = track(ownerSide.page);
    memberPage = track(await memberContext.newPage());
    memberPage.on('pageerror', (err) => console.error(`      [page error] ${err.message}`));

    await ownerPage.goto(`/meetings/${meetingId}`);
    await ownerPage.getByRole('button', { name: 'Join the meeting' }).click();
    await ownerPage.getByRole('toolbar', { name: 'Meeting controls' }).waitFor({ timeout: 30_000 });
    await memberPage.goto(`/meetings/${meetingId}`);
    await memberPage.getByRole('button', { name: '모임 참여하기' }).click();
    const memberTile = ownerPage.getByRole('group', { name: member.username, exact: true });
    await memberTile.waitFor({ timeout: 30_000 });

    // Raised: the member's button turns into Lower; the owner sees the queue, the badge and hears it.
    const memberControls = memberPage.getByRole('toolbar', { name: '모임 조작' });
    await memberControls.getByRole('button', { name: '손 들기' }).click();
    await memberControls.getByRole('button', { name: '손 내리기' }).waitFor({ timeout: 20_000 });
    const queue = ownerPage.getByRole('region', { name: 'Hands up' });
    await queue.getByRole('listitem').filter({ hasText: member.username }).waitFor({ timeout: 20_000 });
    await memberTile.getByText('Hand up · 1').waitFor({ timeout: 20_000 });
    await ownerPage.getByText(`${member.username} raised their hand.`).waitFor({ state: 'attached', timeout: 20_000 });

    await assertAccessible(ownerPage, 'meeting room with a raised hand (desktop)');
    await assertAccessible(memberPage, 'meeting room with a raised hand (phone, ko)');
    await screenshot(ownerPage, 'meeting-hands-desktop-en');
    await screenshot(memberPage, 'meeting-hands-phone-ko');

    // The owner lowers it: the queue empties and the member's button says Raise again.
    await queue.getByRole('button', { name: `Lower hand for ${member.username}` }).click();
    await memberControls.getByRole('button', { name: '손 들기' }).waitFor({ timeout: 20_000 });
    await memberPage.getByText('호스트가 손을 내렸어요.').waitFor({ timeout: 20_000 });
    await queue.waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(await memberTile.getByText('Hand up · 1').count(), 0);
  });

  it('keyboard: H raises and lowers one’s own hand, and the shortcuts list it', async () => {
    assert.ok(ownerPage, 'needs the room of the first test');
    const controls = ownerPage.getByRole('toolbar', { name: 'Meeting controls' });
    await ownerPage.locator('body').click({ position: { x: 5, y: 300 } });
    await ownerPage.keyboard.press('h');
    await controls.getByRole('button', { name: 'Lower hand' }).waitFor({ timeout: 20_000 });
    // The member sees the owner first in line.
    await memberPage.getByRole('region', { name: '손 든 사람' }).getByRole('listitem').filter({ hasText: owner.username }).waitFor({ timeout: 20_000 });
    await ownerPage.keyboard.press('h');
    await controls.getByRole('button', { name: 'Raise hand' }).waitFor({ timeout: 20_000 });
    await ownerPage.keyboard.press('?');
    const dialog = ownerPage.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.getByText('Raise or lower your hand').waitFor();
    await ownerPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('the member shares their screen: the owner receives it in its own tile, which goes when sharing stops', async () => {
    assert.ok(ownerPage && memberPage, 'needs the room of the first test');
    const memberControls = memberPage.getByRole('toolbar', { name: '모임 조작' });
    await memberControls.getByRole('button', { name: '화면 공유' }).click();
    await memberControls.getByRole('button', { name: '공유 중지' }).waitFor({ timeout: 30_000 });
    const screenTile = ownerPage.getByRole('group', { name: `${member.username} is sharing their screen` });
    await screenTile.waitFor({ timeout: 30_000 });
    await screenGrows(ownerPage, 20_000);

    await memberControls.getByRole('button', { name: '공유 중지' }).click();
    await memberControls.getByRole('button', { name: '화면 공유' }).waitFor({ timeout: 20_000 });
    await screenTile.waitFor({ state: 'detached', timeout: 30_000 });
    // The camera tile stays (the share alone went).
    await ownerPage.getByRole('group', { name: member.username, exact: true }).waitFor();
  });
});
