// Join to first remote frame, in real Chromium with fake devices: a host sits in a live
// meeting with their camera on; one newcomer after another opens the meeting page, clicks
// "Join the meeting" on the pre-join screen, and the time from that click to the first
// decoded frame of the host's video (requestVideoFrameCallback) is recorded. Each newcomer
// is a new person in a fresh browser context (a first join: new Device, new transports).
// The timing hooks are this bench's init script; the product exposes nothing for it.
//
// BENCH_BOTS (default 4) more members sit in the room as server-side RTP bots, each sending
// Opus and three-layer VP8 simulcast, so a newcomer joins a room of six and consumes ten
// producers besides the host's (the bots' VP8 is not decodable: the frame timed is the host's).
//
//   npx tsx bench/meeting/join-to-first-frame.ts
//   BENCH_RUNS=20 BENCH_BOTS=4 npx tsx bench/meeting/join-to-first-frame.ts
import assert from 'node:assert/strict';
import { admit, createClub } from '../../test/helpers/clubs.js';
import { signUpAndLogin, type TestAccount } from '../../test/helpers/accounts.js';
import { intentFor, RtpBot } from '../../test/helpers/rtp-bots.js';
import { launchBrowser, openPerson, startE2EServer } from '../../test/e2e/harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BOTS = Number(process.env.BENCH_BOTS ?? 4);

/** Marks the click on the join button and the first frame of a video that is not one's own (own previews are mirrored). */
const TIMING_HOOKS = `(() => {
  const marks = { click: null, frame: null };
  Object.defineProperty(window, '__joinTiming', { value: marks });
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button && button.closest('.prejoin') && marks.click === null) marks.click = performance.now();
  }, true);
  const watch = (video) => {
    if (video.__watched || video.classList.contains('mirror')) return;
    video.__watched = true;
    video.requestVideoFrameCallback(() => {
      if (marks.frame === null && marks.click !== null) marks.frame = performance.now();
    });
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch)).observe(document, { subtree: true, childList: true });
})();`;

function session(account: TestAccount): string {
  return `localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: account.access, refresh: account.refresh }))});`;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

async function main(): Promise<void> {
  const e2e = await startE2EServer({ env: { SFU_WORKERS: '1' } });
  try {
    const http = e2e.server.http;
    const host = await signUpAndLogin(http);
    // Clubs hold at most 12: each newcomer is removed from the club (and so the meeting) after its run.
    const club = await createClub(http, host, { max_members: BOTS + 4 });
    const meeting = await http.post(`/api/clubs/${club.id}/meetings`, { title: 'Bench meeting' }, host.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    const path = `/meetings/${(meeting.body as { id: number }).id}`;

    const hostSide = await openPerson(e2e.url);
    await hostSide.context.addInitScript(session(host));
    await hostSide.page.goto(path);
    await hostSide.page.getByLabel('Your camera preview').waitFor();
    await hostSide.page.getByRole('button', { name: 'Join the meeting' }).click();
    await hostSide.page.getByRole('toolbar', { name: 'Meeting controls' }).waitFor({ timeout: 30_000 });

    const hub = e2e.server.app.meetings;
    if (!hub) throw new Error('the server runs no SFU');
    const meetingId = (meeting.body as { id: number }).id;
    const bots: RtpBot[] = [];
    for (let i = 0; i < BOTS; i++) {
      const member = await signUpAndLogin(http);
      await admit(http, club.id, host, member);
      bots.push(await RtpBot.join(hub, intentFor(meetingId, member.id, { clubId: club.id }), { audio: true, video: 'simulcast' }));
    }
    console.log(`room: host + ${BOTS} bots + the newcomer`);

    const samples: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const newcomer = await signUpAndLogin(http);
      await admit(http, club.id, host, newcomer);
      const { context, page } = await openPerson(e2e.url);
      await context.addInitScript(session(newcomer));
      await context.addInitScript(TIMING_HOOKS);
      await page.goto(path);
      const join = page.getByRole('button', { name: 'Join the meeting' });
      await join.waitFor();
      // The preview is open (as a person would see it) before the click.
      await page.getByLabel('Your camera preview').waitFor();
      await join.click();
      // The page's CSP forbids waitForFunction's eval; the marks are taken in the page, so polling adds no error.
      const deadline = Date.now() + 30_000;
      while (!(await page.evaluate<boolean>('window.__joinTiming.frame !== null'))) {
        if (Date.now() > deadline) throw new Error('no remote frame within 30 s');
        await page.waitForTimeout(100);
      }
      const ms = await page.evaluate<number>('window.__joinTiming.frame - window.__joinTiming.click');
      samples.push(ms);
      console.log(`run ${run + 1}/${RUNS}: ${ms.toFixed(0)} ms`);
      await context.close();
      const removed = await http.delete(`/api/clubs/${club.id}/members/${newcomer.id}`, host.access);
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
    }
    const sorted = [...samples].sort((a, b) => a - b);
    for (const bot of bots) bot.close();
    console.log(JSON.stringify({ runs: RUNS, room: BOTS + 2, p50_ms: Math.round(percentile(sorted, 50)), p95_ms: Math.round(percentile(sorted, 95)), min_ms: Math.round(sorted[0] ?? NaN), max_ms: Math.round(sorted.at(-1) ?? NaN) }));
    await hostSide.context.close();
  } finally {
    await e2e.close();
    await (await launchBrowser()).close();
  }
}

await main();
