// Speech from a real browser microphone into the meeting's transcript: a member's Chromium takes
// its microphone from a WAV file (flite's slt voice, 48 kHz mono, with silence around it so that
// voice activity ends each utterance; Chromium loops the file), joins with the microphone on, and
// the owner's Transcript tab shows what pocketsphinx recognised under the member's display name
// (the name their tile carries too).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { admit, createClub } from '../helpers/clubs.js';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { requireTools, speechWav, wordErrorRate } from '../helpers/speech.js';
import { assertAccessible, CHROMIUM_PATH, DESKTOP, openPerson, PHONE, requireBrowser, screenshot, screenshotOnFailure, startE2EServer, track, type E2EServer } from './harness.js';

const WAIT = { timeout: 30_000 };
/** Recognition runs once the utterance has ended, on a machine shared with other suites. */
const SPEECH_WAIT_MS = 90_000;
const SENTENCE = 'let us meet again next friday to discuss the first five chapters';
/** pocketsphinx is imperfect: a line counts as the sentence when at most a third of its words are wrong. */
const MAX_WER = 1 / 3;

const sessionScript = (who: TestAccount): string =>
  `localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: who.access, refresh: who.refresh }))});`;

/**
 * Waits for lines to appear in a speaker's run, one after another, until one is close enough to
 * the sentence (the microphone is already looping the file when the person joins, so the first
 * utterance may be cut). Returns its text.
 */
async function lineLike(run: Locator, sentence: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const heard: string[] = [];
  for (let i = 0; ; i++) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no transcript line close to "${sentence}" within ${timeoutMs} ms; lines: ${JSON.stringify(heard)}`);
    try {
      await run.locator('.transcript-text').nth(i).waitFor({ timeout: left });
    } catch {
      throw new Error(`no transcript line close to "${sentence}" within ${timeoutMs} ms; lines: ${JSON.stringify(heard)}`);
    }
    const text = (await run.locator('.transcript-text').nth(i).innerText()).trim();
    heard.push(text);
    if (wordErrorRate(sentence, text) <= MAX_WER) return text;
  }
}

describe('e2e: a browser microphone in the transcript', function () {
  this.timeout(300_000);
  let e2e: E2EServer;
  let owner: TestAccount;
  let speaker: TestAccount;
  let speakerName: string;
  let meetingId: number;
  let wav: string;
  let speakerBrowser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  before(async function () {
    requireBrowser(this);
    requireTools(this, 'flite', 'sox', 'pocketsphinx_continuous');
    wav = speechWav(SENTENCE, { rate: 48_000, padBefore: 1, padAfter: 2 });
    e2e = await startE2EServer({ env: { SFU_WORKERS: '1', ASR_ENGINE: 'pocketsphinx' } });
    const http = e2e.server.http;
    [owner, speaker] = await Promise.all([signUpAndLogin(http), signUpAndLogin(http)]);
    speakerName = `Mina ${randomBytes(6).toString('hex')}`;
    const named = await http.patch('/api/me', { nickname: speakerName }, speaker.access);
    assert.equal(named.status, 200, JSON.stringify(named.body));
    const club = await createClub(http, owner);
    await admit(http, club.id, owner, speaker);
    const meeting = await http.post(`/api/clubs/${club.id}/meetings`, { title: 'Chapters one to five', transcription: true }, owner.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    meetingId = meeting.body.id as number;
  });
  afterEach(async function () {
    await screenshotOnFailure(this);
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await speakerBrowser?.close();
    await e2e?.close();
    if (wav) rmSync(path.dirname(wav), { recursive: true, force: true });
  });

  /** Pre-join: microphone as asked, camera off; waits for the room's controls. */
  async function join(page: Page, words: { mic: string; camera: string; join: string; controls: string }, mic: boolean): Promise<void> {
    await page.goto(`/meetings/${meetingId}`);
    const button = page.getByRole('button', { name: words.join });
    await button.waitFor(WAIT);
    await page.getByRole('checkbox', { name: words.mic }).setChecked(mic);
    await page.getByRole('checkbox', { name: words.camera }).setChecked(false);
    await button.click();
    await page.getByRole('toolbar', { name: words.controls }).waitFor(WAIT);
  }

  it("shows what a member says into their browser's microphone in the transcript, under their name", async () => {
    // The owner listens from the shared browser, microphone and camera off, on the Transcript tab.
    const listener = await openPerson(e2e.url, { locale: 'en-US', viewport: DESKTOP });
    contexts.push(listener.context);
    await listener.context.addInitScript(sessionScript(owner));
    const ownerPage = track(listener.page);
    await join(ownerPage, { mic: 'Join with microphone on', camera: 'Join with camera on', join: 'Join the meeting', controls: 'Meeting controls' }, false);
    await ownerPage.getByRole('tab', { name: 'Transcript' }).click();
    await ownerPage.getByRole('status').filter({ hasText: 'Transcription is on' }).waitFor(WAIT);

    // The speaker has a Chromium of their own: its fake microphone plays the WAV.
    speakerBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
    });
    const speakerContext = await speakerBrowser.newContext({ baseURL: e2e.url, locale: 'ko-KR', viewport: PHONE, timezoneId: 'Asia/Seoul' });
    await speakerContext.addInitScript(sessionScript(speaker));
    const speakerPage = track(await speakerContext.newPage());
    speakerPage.on('pageerror', (err) => console.error(`      [page error] ${err.message}`));
    const started = Date.now();
    await join(speakerPage, { mic: '마이크 켜고 참여', camera: '카메라 켜고 참여', join: '모임 참여하기', controls: '모임 조작' }, true);

    // The room names the speaker as the transcript does: by their display name.
    await ownerPage.getByRole('group', { name: speakerName, exact: true }).waitFor(WAIT);

    const log = ownerPage.getByRole('log', { name: 'Transcript' });
    const run = log.locator('section', { has: ownerPage.getByRole('heading', { name: speakerName, exact: true }) });
    const text = await lineLike(run, SENTENCE, SPEECH_WAIT_MS);
    const wer = wordErrorRate(SENTENCE, text);
    console.log(`      recognised from the browser's microphone: "${text}" (word error rate ${wer.toFixed(2)}, ${((Date.now() - started) / 1000).toFixed(1)} s after joining)`);

    // The line is the stored segment, attributed to the speaker and recognised by pocketsphinx.
    const stored = await e2e.server.app.database.db.selectFrom('transcript_segments').select(['speaker_id', 'text', 'engine']).where('meeting_id', '=', meetingId).execute();
    const same = stored.find((segment) => segment.text === text);
    assert.ok(same, `stored: ${JSON.stringify(stored)}`);
    assert.equal(same.speaker_id, speaker.id);
    assert.equal(same.engine, 'pocketsphinx');

    // The speaker sees their own line too (Korean, phone).
    await speakerPage.getByRole('tab', { name: '대화 기록' }).click();
    await speakerPage.getByRole('status').filter({ hasText: '대화를 기록하고 있어요' }).waitFor(WAIT);
    const ownLog = speakerPage.getByRole('log', { name: '대화 기록' });
    await ownLog.locator('section', { has: speakerPage.getByRole('heading', { name: speakerName, exact: true }) }).getByText(text).first().waitFor(WAIT);

    await assertAccessible(ownerPage, 'transcript from a browser microphone (desktop, en)');
    await screenshot(ownerPage, 'meeting-speech-transcript-desktop-en');
    await assertAccessible(speakerPage, 'transcript from a browser microphone (phone, ko)');
    await screenshot(speakerPage, 'meeting-speech-transcript-phone-ko');
  });
});
