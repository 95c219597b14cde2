// The meeting room's media in real Chromium (fake camera and microphone) against a real server
// with one media worker: two people hear and see each other, the host's mute stops the member's
// audio at the other end (video keeps flowing), and a dropped connection recovers without a reload.
//
// Stats are read from the page's RTCPeerConnections, which an init script (test code, not the
// product's) records as mediasoup-client creates them.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestAccount } from '../helpers/accounts.js';
import { bytes, grows, liveMeetingOfTwo, signIn } from './meeting-helpers.js';
import { assertAccessible, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

/** A slow camera and microphone: each takes a moment to open, as real ones (or a permission prompt) may. */
const SLOW_DEVICES = `(() => {
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 1500)).then(() => open(constraints));
})();`;

describe('e2e: meeting media', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];
  let owner: TestAccount;
  let member: TestAccount;
  let meetingId: number;
  let ownerPage: Page;
  let memberPage: Page;
  let memberContext: BrowserContext;

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer({ env: { SFU_WORKERS: '1' } });
    const http = e2e.server.http;
    ({ owner, member, meetingId } = await liveMeetingOfTwo(http, 'Chapter seven, live'));
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('two people each receive the other one’s audio and video', async () => {
    const ownerSide = await openPerson(e2e.url, { locale: 'en-US' });
    const memberSide = await openPerson(e2e.url, { locale: 'ko-KR', viewport: PHONE });
    contexts.push(ownerSide.context, memberSide.context);
    memberContext = memberSide.context;
    await signIn(ownerSide.context, owner);
    await signIn(memberSide.context, member);
    await memberSide.context.addInitScript(SLOW_DEVICES);
    ownerPage = track(ownerSide.page);
    memberPage = track(memberSide.page);

    await ownerPage.goto(`/meetings/${meetingId}`);
    const join = ownerPage.getByRole('button', { name: 'Join the meeting' });
    await join.waitFor();
    await ownerPage.getByLabel('Your camera preview').waitFor();
    await assertAccessible(ownerPage, 'pre-join (desktop)');
    await screenshot(ownerPage, 'meeting-prejoin-desktop-en');
    await join.click();
    await ownerPage.getByRole('toolbar', { name: 'Meeting controls' }).waitFor({ timeout: 30_000 });

    // The member clicks at once, before their (slow) camera and microphone have opened: they still join with both on.
    await memberPage.goto(`/meetings/${meetingId}`);
    await memberPage.getByRole('button', { name: '모임 참여하기' }).click();

    // Each sees the other's tile by name, then media flows both ways.
    await ownerPage.getByRole('group', { name: member.username, exact: true }).waitFor({ timeout: 30_000 });
    await memberPage.getByRole('group', { name: owner.username, exact: true }).waitFor({ timeout: 30_000 });
    await Promise.all([grows(ownerPage, 'inAudio', 5_000), grows(ownerPage, 'inVideo', 50_000), grows(memberPage, 'inAudio', 5_000), grows(memberPage, 'inVideo', 50_000)]);

    await assertAccessible(ownerPage, 'meeting room (desktop)');
    await assertAccessible(memberPage, 'meeting room (phone, ko)');
    await screenshot(ownerPage, 'meeting-room-desktop-en');
    await screenshot(memberPage, 'meeting-room-phone-ko');
  });

  it("the host's mute stops the member's audio reaching the other side; video keeps flowing", async () => {
    assert.ok(ownerPage && memberPage, 'needs the room of the first test');
    const memberTile = ownerPage.getByRole('group', { name: member.username, exact: true });
    await memberTile.getByRole('button', { name: `Host actions for ${member.username}` }).click();
    await memberTile.getByRole('button', { name: 'Mute', exact: true }).click();
    // The member is told, and the owner's tile of them says so.
    await memberPage.getByText('진행자가 음소거했어요', { exact: true }).first().waitFor({ timeout: 20_000 });
    await ownerPage.getByRole('group', { name: member.username, exact: true }).getByText('Muted by the host').waitFor({ timeout: 20_000 });
    // Let what was in flight land, then: video grows (positive control), audio does not.
    await grows(ownerPage, 'inVideo', 20_000);
    const before = await bytes(ownerPage);
    const memberBefore = await bytes(memberPage);
    await grows(ownerPage, 'inVideo', 100_000);
    await grows(memberPage, 'outVideo', 100_000);
    const after = await bytes(ownerPage);
    const memberAfter = await bytes(memberPage);
    assert.ok(after.inAudio - before.inAudio < 500, `the owner still receives the member's audio: ${after.inAudio - before.inAudio} bytes`);
    // The member's microphone producer is paused locally too: nothing is uploaded.
    assert.ok(memberAfter.outAudio - memberBefore.outAudio < 500, `the member still uploads audio: ${memberAfter.outAudio - memberBefore.outAudio} bytes`);

    // Lifting the lock lets the member unmute, and the audio comes back.
    await memberTile.getByRole('button', { name: `Host actions for ${member.username}` }).click();
    await memberTile.getByRole('button', { name: 'Allow to unmute' }).click();
    await memberPage.getByText('진행자가 음소거 해제를 허락했어요.').waitFor({ timeout: 20_000 });
    await memberPage.getByRole('button', { name: '음소거 해제' }).click();
    await grows(ownerPage, 'inAudio', 5_000);
  });

  it('a dropped connection recovers without a reload, nothing doubled', async () => {
    assert.ok(ownerPage && memberPage, 'needs the room of the first test');
    await memberPage.evaluate('window.__sameDocument = true');
    await memberContext.setOffline(true);
    await memberPage.getByText('연결이 끊겼어요. 다시 연결하는 중…').waitFor({ timeout: 20_000 });
    await memberContext.setOffline(false);
    await memberPage.getByText('모임에 다시 들어왔어요.').waitFor({ timeout: 30_000 });
    assert.equal(await memberPage.evaluate('window.__sameDocument === true'), true, 'the page was not reloaded');
    await Promise.all([grows(memberPage, 'inAudio', 5_000), grows(memberPage, 'inVideo', 50_000), grows(ownerPage, 'inAudio', 5_000), grows(ownerPage, 'inVideo', 50_000)]);
    // One remote microphone and one remote camera on each side: no consumer doubled, none lost.
    assert.deepEqual((await bytes(memberPage)).inStreams, { audio: 1, video: 1 });
    assert.deepEqual((await bytes(ownerPage)).inStreams, { audio: 1, video: 1 });
    assert.equal(await ownerPage.getByRole('group', { name: member.username, exact: true }).count(), 1);
    assert.equal(await memberPage.getByRole('group', { name: owner.username, exact: true }).count(), 1);
  });

  it('keyboard: M mutes and unmutes, ? shows the shortcuts, Esc closes them', async () => {
    assert.ok(ownerPage, 'needs the room of the first test');
    const controls = ownerPage.getByRole('toolbar', { name: 'Meeting controls' });
    await ownerPage.locator('body').click({ position: { x: 5, y: 300 } });
    await ownerPage.keyboard.press('m');
    await controls.getByRole('button', { name: 'Unmute' }).waitFor();
    await ownerPage.keyboard.press('m');
    await controls.getByRole('button', { name: 'Mute', exact: true }).waitFor();
    await ownerPage.keyboard.press('?');
    const dialog = ownerPage.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await assertAccessible(ownerPage, 'shortcuts overlay');
    await screenshot(ownerPage, 'meeting-shortcuts-desktop-en');
    await ownerPage.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a second tab taking the place over leaves the first one saying so', async () => {
    assert.ok(memberPage, 'needs the room of the first test');
    const first = memberPage;
    const second = track(await memberContext.newPage());
    memberPage = second;
    await second.goto(`/meetings/${meetingId}`);
    await second.getByLabel('내 카메라 미리보기').waitFor();
    await assertAccessible(second, 'pre-join (phone, ko)');
    await screenshot(second, 'meeting-prejoin-phone-ko');
    await second.getByRole('button', { name: '모임 참여하기' }).click();
    await second.getByRole('toolbar', { name: '모임 조작' }).waitFor({ timeout: 30_000 });
    await first.getByText('다른 탭이나 기기에서 이 모임에 참여해서 여기서는 나왔어요.').waitFor({ timeout: 20_000 });
    await first.getByRole('button', { name: '여기서 참여하기' }).waitFor();
    // The new tab receives the owner's media.
    await grows(second, 'inVideo', 50_000);
  });

  it("the host stops the member's video, then ends the meeting for everyone", async () => {
    assert.ok(ownerPage && memberPage, 'needs the room of the first test');
    const memberTile = ownerPage.getByRole('group', { name: member.username, exact: true });
    await memberTile.getByRole('button', { name: `Host actions for ${member.username}` }).click();
    await memberTile.getByRole('button', { name: 'Stop video' }).click();
    await memberPage.getByText('진행자가 내 카메라를 껐어요.').waitFor({ timeout: 20_000 });
    await memberPage.getByRole('button', { name: '비디오 켜기' }).waitFor();
    // The owner's side has no camera of the member any more; their voice still arrives.
    await grows(ownerPage, 'inAudio', 5_000);
    assert.deepEqual((await bytes(ownerPage)).inStreams, { audio: 1, video: 0 });

    await ownerPage.getByRole('button', { name: 'End meeting' }).click();
    await ownerPage.getByRole('button', { name: 'End for everyone?' }).click();
    await memberPage.getByText('모임이 끝났어요. 함께해 주셔서 고마워요.').waitFor({ timeout: 20_000 });
    await ownerPage.getByText('The meeting has ended. Thanks for coming.').waitFor({ timeout: 20_000 });
  });
});
