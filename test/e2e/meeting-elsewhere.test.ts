// Two server nodes share one Postgres and one Redis; the first to open a meeting holds its media.
// A member whose page is on the other node asks to join: the page says the meeting runs on
// another server and links there; following the link, the member joins on the hosting node and
// the two people see each other. Real Chromium, two real server processes' worth of app in one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestAccount } from '../helpers/accounts.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/postgres.js';
import { requireServices } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { openPerson, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';
import { grows, joinMeeting, liveMeetingOfTwo, signIn } from './meeting-helpers.js';

describe('e2e: a meeting held on another node', function () {
  this.timeout(300_000);
  let scratch: ScratchDatabase | undefined;
  let nodeA: E2EServer | undefined;
  let nodeB: E2EServer | undefined;
  const contexts: BrowserContext[] = [];
  let owner: TestAccount;
  let member: TestAccount;
  let meetingId: number;

  before(async function () {
    requireBrowser(this);
    const services = requireServices(this, 'postgres', 'redis');
    scratch = await createScratchDatabase(services.postgres);
    const env = { REDIS_PREFIX: `rt-e2e-elsewhere-${randomBytes(4).toString('hex')}:`, SFU_WORKERS: '1' };
    nodeA = await startE2EServer({ databaseUrl: scratch.url, env });
    nodeB = await startE2EServer({ databaseUrl: scratch.url, env });
    ({ owner, member, meetingId } = await liveMeetingOfTwo(nodeA.server.http, 'Chapter twelve, live'));
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await nodeA?.close();
    await nodeB?.close();
    await scratch?.drop();
  });

  it('says the meeting runs on another server, links there, and the member joins on that node', async () => {
    assert.ok(nodeA && nodeB);
    const ownerSide = await openPerson(nodeA.url);
    const memberSide = await openPerson(nodeB.url);
    contexts.push(ownerSide.context, memberSide.context);
    // The session goes into every origin the context opens, as a single sign-on would give.
    await signIn(ownerSide.context, owner);
    await signIn(memberSide.context, member);
    const ownerPage: Page = track(ownerSide.page);
    const memberPage: Page = track(memberSide.page);
    await joinMeeting(ownerPage, meetingId);
    // The room shows its controls while the join is still on its way: wait for node A to hold the media.
    await waitFor(() => Boolean(nodeA?.server.app.meetings?.describe(meetingId)), 'node A to hold the media', 20_000);

    await memberPage.goto(`/meetings/${meetingId}`);
    await memberPage.getByLabel('Your camera preview').waitFor({ timeout: 30_000 });
    await memberPage.getByRole('button', { name: 'Join the meeting' }).click();
    const alert = memberPage.getByRole('alert').filter({ hasText: 'This meeting is running on another server.' });
    await alert.waitFor({ timeout: 20_000 });
    await screenshot(memberPage, 'meeting-elsewhere-desktop-en');
    const link = alert.getByRole('link', { name: 'Open it there' });
    assert.equal(await link.getAttribute('href'), `${nodeA.url}/meetings/${meetingId}`);
    assert.equal(nodeB.server.app.meetings?.describe(meetingId) ?? null, null, 'node B opened no media for it');

    await link.click();
    await memberPage.waitForURL(`${nodeA.url}/meetings/${meetingId}`);
    await memberPage.getByRole('button', { name: 'Join the meeting' }).click();
    await memberPage.getByRole('toolbar', { name: 'Meeting controls' }).waitFor({ timeout: 30_000 });
    await Promise.all([grows(ownerPage, 'inVideo', 50_000), grows(memberPage, 'inVideo', 50_000)]);
  });
});
