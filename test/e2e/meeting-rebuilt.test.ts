// A media worker dies under a live meeting: the server rebuilds the meeting on another worker and
// tells the room (meeting:rebuilt); each page says so, makes its transports again and gets the
// other person's audio and video back, once each, without a reload. Real Chromium, a server
// with two media workers, and a SIGKILL to the worker that holds the meeting.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestAccount } from '../helpers/accounts.js';
import { openPerson, requireBrowser, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';
import { bytes, grows, joinMeeting, liveMeetingOfTwo, signIn } from './meeting-helpers.js';

describe('e2e: meeting rebuilt after a media worker dies', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  const contexts: BrowserContext[] = [];
  let owner: TestAccount;
  let member: TestAccount;
  let meetingId: number;

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer({ env: { SFU_WORKERS: '2' } });
    const http = e2e.server.http;
    ({ owner, member, meetingId } = await liveMeetingOfTwo(http, 'Chapter eleven, live'));
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  it('says the media server changed, then that audio and video are back, and both flow again once each', async () => {
    const ownerSide = await openPerson(e2e.url);
    const memberSide = await openPerson(e2e.url);
    contexts.push(ownerSide.context, memberSide.context);
    await signIn(ownerSide.context, owner);
    await signIn(memberSide.context, member);
    const pages: Page[] = [track(ownerSide.page), track(memberSide.page)];
    for (const page of pages) await joinMeeting(page, meetingId);
    // Positive control: media flows both ways before the crash.
    await Promise.all(pages.flatMap((page) => [grows(page, 'inVideo', 50_000), grows(page, 'inAudio', 5_000)]));
    const marker = `same-document-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    for (const page of pages) await page.evaluate(`window.__sameDocument = ${JSON.stringify(marker)}`);

    const hub = e2e.server.app.meetings;
    assert.ok(hub, 'the server runs media');
    const before = hub.describe(meetingId);
    const pid = before?.routers[0]?.worker_pid;
    assert.ok(pid, 'the meeting has a router on a worker');
    process.kill(pid, 'SIGKILL');

    for (const page of pages) await page.getByText('Audio and video are back.').waitFor({ timeout: 30_000 });
    const after = hub.describe(meetingId);
    assert.ok(after && after.routers.every((r) => r.worker_pid !== pid), 'the meeting moved off the dead worker');
    await Promise.all(pages.flatMap((page) => [grows(page, 'inVideo', 50_000), grows(page, 'inAudio', 5_000)]));
    for (const page of pages) {
      assert.deepEqual((await bytes(page)).inStreams, { audio: 1, video: 1 }, 'one stream of each kind: nothing doubled');
      assert.equal(await page.evaluate('window.__sameDocument'), marker, 'the page was not reloaded');
    }
  });
});
