// The meeting room's side panel in a real browser: two note-takers write the minutes at once and
// end with the same text (in both pages and in the server's Markdown export); a reader sees
// "View only" and cannot change them; a member's speech (a bot speaking real Opus RTP, recognised
// by pocketsphinx) appears in the transcript under their name.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { admit, clubWithCast, type ClubCast } from '../helpers/clubs.js';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { joinOverSocket } from '../helpers/meeting-sockets.js';
import type { RtpBot } from '../helpers/rtp-bots.js';
import { ok, OpenSockets } from '../helpers/sockets.js';
import { waitFor } from '../helpers/wait.js';
import { opusFrames, requireTools } from '../helpers/speech.js';
import { assertAccessible, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer, type PersonOptions } from './harness.js';

const WAIT = { timeout: 30_000 };
const SENTENCE = 'let us meet again next friday to discuss the first five chapters';
const marker = (): string => `m${randomBytes(16).toString('hex')}`;

describe('e2e: the meeting side panel (minutes and transcript)', function () {
  this.timeout(240_000);
  let e2e: E2EServer;
  let cast: ClubCast;
  let speaker: TestAccount;
  let meetingId: number;
  let sockets: OpenSockets;
  const bots: RtpBot[] = [];
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    e2e = await startE2EServer({ env: { ASR_ENGINE: 'pocketsphinx', SFU_WORKERS: '1' } });
    sockets = new OpenSockets(() => e2e.url);
    cast = await clubWithCast(e2e.server.http);
    speaker = await signUpAndLogin(e2e.server.http);
    await admit(e2e.server.http, cast.clubId, cast.owner, speaker);
    const res = await e2e.server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 5', transcription: true }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    meetingId = res.body.id as number;
    // The owner takes the meeting live, so note-takers and members may join it.
    await ok(await sockets.connect(cast.owner), 'meeting:join', { meeting_id: meetingId });
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const bot of bots) bot.close();
    sockets?.closeAll();
    for (const context of contexts) await context.close();
    await e2e?.close();
  });

  const PREJOIN = {
    'en-US': { mic: 'Join with microphone on', camera: 'Join with camera on', join: 'Join the meeting' },
    'ko-KR': { mic: '마이크 켜고 참여', camera: '카메라 켜고 참여', join: '모임 참여하기' },
  } as const;

  /** A signed-in person on the meeting page: in the room (microphone and camera off, so only the bot speaks), or on the page of an ended meeting. */
  async function enter(who: TestAccount, options: PersonOptions & { locale: keyof typeof PREJOIN }, join = true): Promise<Page> {
    const { context, page } = await openPerson(e2e.url, options);
    contexts.push(context);
    track(page);
    await context.addInitScript(`localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: who.access, refresh: who.refresh }))})`);
    await page.goto(`/meetings/${meetingId}`);
    if (!join) return page;
    const words = PREJOIN[options.locale];
    const joinButton = page.getByRole('button', { name: words.join });
    await joinButton.waitFor(WAIT);
    await page.getByRole('checkbox', { name: words.mic }).setChecked(false);
    await page.getByRole('checkbox', { name: words.camera }).setChecked(false);
    await joinButton.click();
    return page;
  }

  const minutesOf = (page: Page, name: string) => page.getByRole('textbox', { name });
  /** The minutes' blocks as text, without the others' cursors (their name labels sit in the text). */
  const textOf = (page: Page, name: string): Promise<string> =>
    minutesOf(page, name).evaluate((el: any) => {
      const copy = el.cloneNode(true);
      for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
      return Array.from(copy.querySelectorAll('p, h1, h2, h3, h4, h5, h6, pre'), (block: any) => block.textContent).join('\n');
    });

  async function exportMarkdown(who: TestAccount): Promise<string> {
    const res = await fetch(`${e2e.url}/api/collab/meeting.${meetingId}/export?format=md`, { headers: { authorization: `Bearer ${who.access}` } });
    assert.equal(res.status, 200);
    return res.text();
  }

  /** Puts the caret at the end of the minutes, on a new line. */
  async function newLineAtEnd(page: Page, name: string): Promise<void> {
    await minutesOf(page, name).click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
  }

  let notetaker: Page;
  let moderator: Page;
  let spokenLine = '';

  it('two note-takers type at once and end with the same minutes, in both pages and in the Markdown export', async () => {
    notetaker = await enter(cast.notetaker, { locale: 'en-US', viewport: DESKTOP });
    moderator = await enter(cast.moderator, { locale: 'ko-KR', viewport: DESKTOP });
    await minutesOf(notetaker, 'Minutes').getByText('Agenda').waitFor(WAIT);
    await minutesOf(moderator, '회의록').getByText('Agenda').waitFor(WAIT);
    await notetaker.getByText('Saved as you type').waitFor(WAIT);

    const [fromNotetaker, fromModerator] = [marker(), marker()];
    // Both at once, in two places (typing into one spot at once may interleave the letters, as any CRDT may).
    const afterReading = async (): Promise<void> => {
      await minutesOf(moderator, '회의록').getByText('No reading assigned.').click();
      await moderator.keyboard.press('End');
      await moderator.keyboard.press('Enter');
    };
    const paragraphs = (page: Page, name: string) => minutesOf(page, name).locator('p').count();
    const before = await paragraphs(notetaker, 'Minutes');
    await Promise.all([newLineAtEnd(notetaker, 'Minutes'), afterReading()]);
    // Both new lines reach both pages before anyone types. Then each puts the caret back on its
    // own new line: a caret sitting in a new empty line as the other's new line arrives has been
    // seen, twice in many runs, to move into the other's line (a known defect, not what this tests).
    await waitFor(async () => (await paragraphs(notetaker, 'Minutes')) === before + 2 && (await paragraphs(moderator, '회의록')) === before + 2, 'both new lines in both pages', 20_000, 50);
    await notetaker.keyboard.press('Control+End');
    await minutesOf(moderator, '회의록').getByText('No reading assigned.').click();
    await moderator.keyboard.press('End');
    await moderator.keyboard.press('ArrowRight');
    await Promise.all([notetaker.keyboard.type(fromNotetaker, { delay: 15 }), moderator.keyboard.type(fromModerator, { delay: 15 })]);

    for (const [page, name] of [[notetaker, 'Minutes'], [moderator, '회의록']] as const) {
      await minutesOf(page, name).getByText(fromNotetaker).waitFor(WAIT);
      await minutesOf(page, name).getByText(fromModerator).waitFor(WAIT);
    }
    const [left, right] = [await textOf(notetaker, 'Minutes'), await textOf(moderator, '회의록')];
    assert.equal(left, right, 'both pages show the same minutes');

    const markdown = await exportMarkdown(cast.notetaker);
    assert.ok(markdown.includes(fromNotetaker) && markdown.includes(fromModerator), markdown);
    assert.match(markdown, /## Agenda/);

    // The page's own download is the same export.
    const [download] = await Promise.all([notetaker.waitForEvent('download', WAIT), notetaker.getByRole('button', { name: 'Download Markdown' }).click()]);
    const file = await readFile(await download.path());
    assert.ok(file.toString('utf8').includes(fromModerator));

    // The other's cursor carries their name.
    await notetaker.locator('.collaboration-carets__label', { hasText: cast.moderator.username }).waitFor(WAIT);

    await assertAccessible(notetaker, 'minutes (desktop, en)');
    await screenshot(notetaker, 'minutes-desktop-en');
    await assertAccessible(moderator, 'minutes (desktop, ko)');
    await screenshot(moderator, 'minutes-desktop-ko');
  });

  it('a reader sees "View only" and cannot change the minutes, while a later edit reaches them', async () => {
    const reader = await enter(cast.member, { locale: 'ko-KR', viewport: PHONE });
    await reader.getByRole('tab', { name: '회의록' }).click();
    await reader.getByText('보기 전용').waitFor(WAIT);
    await minutesOf(reader, '회의록').getByText('Agenda').waitFor(WAIT);
    assert.equal(await minutesOf(reader, '회의록').getAttribute('contenteditable'), 'false');

    const attempt = marker();
    await minutesOf(reader, '회의록').click();
    await reader.keyboard.press('Control+End');
    await reader.keyboard.type(attempt, { delay: 10 });

    // Positive control: a note-taker's later line arrives in the reader's view.
    const later = marker();
    await newLineAtEnd(notetaker, 'Minutes');
    await notetaker.keyboard.type(later, { delay: 10 });
    await minutesOf(reader, '회의록').getByText(later).waitFor(WAIT);
    assert.ok(!(await textOf(reader, '회의록')).includes(attempt), "the reader's typing is not in their view");
    assert.ok(!(await textOf(notetaker, 'Minutes')).includes(attempt), "nor in the note-taker's");
    const markdown = await exportMarkdown(cast.owner);
    assert.ok(markdown.includes(later) && !markdown.includes(attempt), markdown);

    await assertAccessible(reader, 'minutes (phone, ko, reader)');
    await screenshot(reader, 'minutes-phone-ko-reader');
  });

  it("shows what a member says in the transcript, under the member's name", async function () {
    requireTools(this, 'flite', 'sox', 'opusenc', 'pocketsphinx_continuous');
    const owner = await enter(cast.owner, { locale: 'en-US', viewport: DESKTOP });
    await owner.getByRole('tab', { name: 'Transcript' }).click();
    await owner.getByText('Transcription is on').waitFor(WAIT);
    const phone = await enter(cast.moderator, { locale: 'ko-KR', viewport: PHONE });
    await phone.getByRole('tab', { name: '대화 기록' }).click();
    await phone.getByText('대화를 기록하고 있어요').waitFor(WAIT);

    const speech = opusFrames(SENTENCE, { padBefore: 1.5, padAfter: 1.2 });
    bots.push(await joinOverSocket(await sockets.connect(speaker), e2e.server.app.meetings!, meetingId, speaker.id, { speech }));

    const log = owner.getByRole('log', { name: 'Transcript' });
    const run = log.locator('section', { has: owner.getByRole('heading', { name: speaker.username }) });
    await run.locator('.transcript-text').first().waitFor({ timeout: 60_000 });
    const stored = await e2e.server.app.database.db.selectFrom('transcript_segments').select(['speaker_id', 'text']).where('meeting_id', '=', meetingId).execute();
    assert.equal(stored.length, 1, JSON.stringify(stored));
    assert.equal(stored[0]?.speaker_id, speaker.id);
    assert.ok((stored[0]?.text ?? '').length > 0, 'pocketsphinx recognised words');
    assert.equal((await run.locator('.transcript-text').first().innerText()).trim(), stored[0]?.text);

    const phoneLog = phone.getByRole('log', { name: '대화 기록' });
    await phoneLog.locator('section', { has: phone.getByRole('heading', { name: speaker.username }) }).getByText(stored[0]?.text ?? '').waitFor(WAIT);

    await assertAccessible(owner, 'transcript (desktop, en)');
    await screenshot(owner, 'transcript-desktop-en');
    await assertAccessible(phone, 'transcript (phone, ko)');
    await screenshot(phone, 'transcript-phone-ko');
    spokenLine = stored[0]?.text ?? '';

    // Talk time, for the owner: the speaker's share as a bar and in words.
    await owner.getByRole('tab', { name: 'Talk time' }).click();
    const row = owner.locator('.talk-row', { hasText: speaker.username });
    await row.getByText('100%').waitFor(WAIT);
    await assertAccessible(owner, 'talk time (desktop, en)');
    await screenshot(owner, 'talk-time-desktop-en');
  });

  it('once the meeting has ended, writes a summary whose citation shows the cited line in the transcript', async function () {
    if (!spokenLine) this.skip(); // needs the recognised line of the test before
    const ended = await e2e.server.http.post(`/api/meetings/${meetingId}/end`, {}, cast.owner.access);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    const owner = await enter(cast.owner, { locale: 'en-US', viewport: DESKTOP }, false);
    await owner.getByRole('tab', { name: 'Summary' }).click();
    await owner.getByRole('button', { name: 'Write a summary' }).click();
    await owner.getByRole('heading', { name: 'Key points' }).waitFor(WAIT);

    const cite = owner.getByRole('button', { name: new RegExp(`^Source \\d+: ${speaker.username} at .*show in transcript$`) }).first();
    await cite.click();
    assert.equal(await owner.getByRole('tab', { name: 'Transcript' }).getAttribute('aria-selected'), 'true');
    const focused = owner.locator('.transcript-line:focus');
    await focused.waitFor(WAIT);
    assert.match(await focused.getAttribute('class') ?? '', /is-cited/);
    assert.equal((await focused.locator('.transcript-text').innerText()).trim(), spokenLine);

    await owner.getByRole('tab', { name: 'Summary' }).click();
    await assertAccessible(owner, 'summary (desktop, en)');
    await screenshot(owner, 'summary-desktop-en');
  });
});
