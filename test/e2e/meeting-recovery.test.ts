// A real media cut in the meeting room: two people see and hear each other through a server
// with its own RTC port range; UDP to and from that range is dropped on loopback for ten
// seconds with nftables while Socket.IO (TCP) stays up. Inbound video stops (it grew before),
// the tiles say media is reconnecting, and once the cut is lifted audio and video flow both ways
// again within ten seconds, in the same document (no reload). The server also offers ICE over TCP on the same ports: the
// client's ICE restart during the cut may bring the media back over TCP before the cut ends;
// then it must be TCP that carries it.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestAccount } from '../helpers/accounts.js';
import { openPerson, requireBrowser, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';
import { cutAndWatch, grows, joinMeeting, liveMeetingOfTwo, randomRtcPorts, signIn, udpCutUnavailable, videoGrowsAgain } from './meeting-helpers.js';

describe('e2e: meeting media cut', function () {
  this.timeout(300_000);
  let e2e: E2EServer | undefined;
  const contexts: BrowserContext[] = [];
  const ports = randomRtcPorts();
  let owner: TestAccount;
  let member: TestAccount;
  let meetingId: number;

  before(async function () {
    requireBrowser(this);
    const unavailable = udpCutUnavailable();
    if (unavailable) {
      if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') throw new Error(`${unavailable}, and ROUNDTABLE_REQUIRE_SERVICES=1 forbids skipping`);
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    e2e = await startE2EServer({ env: { SFU_WORKERS: '1', SFU_RTC_MIN_PORT: String(ports.min), SFU_RTC_MAX_PORT: String(ports.max) } });
    const http = e2e.server.http;
    ({ owner, member, meetingId } = await liveMeetingOfTwo(http, 'Chapter nine, live'));
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('ten seconds without UDP: video stops, the tiles say so, and audio and video come back both ways within 10 s, without a reload', async () => {
    assert.ok(e2e);
    const ownerSide = await openPerson(e2e.url);
    const memberSide = await openPerson(e2e.url);
    contexts.push(ownerSide.context, memberSide.context);
    await signIn(ownerSide.context, owner);
    await signIn(memberSide.context, member);
    const ownerPage: Page = track(ownerSide.page);
    const memberPage: Page = track(memberSide.page);
    await joinMeeting(ownerPage, meetingId);
    await joinMeeting(memberPage, meetingId);
    await ownerPage.getByRole('group', { name: member.username, exact: true }).waitFor({ timeout: 30_000 });
    await memberPage.getByRole('group', { name: owner.username, exact: true }).waitFor({ timeout: 30_000 });
    // Positive control: media flows both ways before the cut.
    await Promise.all([grows(ownerPage, 'inVideo', 50_000), grows(memberPage, 'inVideo', 50_000), grows(ownerPage, 'inAudio', 5_000), grows(memberPage, 'inAudio', 5_000)]);
    const marker = `same-document-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    for (const page of [ownerPage, memberPage]) await page.evaluate(`window.__sameDocument = ${JSON.stringify(marker)}`);

    const people = [
      { page: ownerPage, other: member.username },
      { page: memberPage, other: owner.username },
    ];
    const sides = await cutAndWatch(people, ports);
    console.log(`      cut: ${JSON.stringify(sides)}`);
    for (const [i, side] of sides.entries()) {
      // Video stopped (it grew before) and the tile of the other person said media was reconnecting.
      assert.ok(side.longestStallMs >= 2_000, `side ${i}: inbound video never stalled during the cut (longest gap ${side.longestStallMs} ms)`);
      assert.notEqual(side.recoveringAtMs, null, `side ${i}: the tile never said "Reconnecting media…"`);
      // The server also offers ICE over TCP: an ICE restart during the cut may bring the media back over it.
      if (side.resumedAtMs !== null) assert.equal(side.path, 'tcp', `side ${i}: video came back during a UDP cut, but not over TCP`);
    }

    // After the cut, video and audio flow again both ways, in the same document, and the tiles
    // stop saying reconnecting.
    const recoveredInMs = await videoGrowsAgain(people, Date.now(), 20_000, 10_000);
    console.log(`      video back on both sides ${recoveredInMs} ms after the cut was lifted`);
    await Promise.all([grows(ownerPage, 'inAudio', 5_000), grows(memberPage, 'inAudio', 5_000)]);
    for (const page of [ownerPage, memberPage]) assert.equal(await page.evaluate('window.__sameDocument'), marker, 'the page was not reloaded');
    await ownerPage.getByRole('group', { name: member.username, exact: true }).getByRole('status').filter({ hasText: 'Reconnecting media…' }).waitFor({ state: 'detached', timeout: 20_000 });
  });
});
