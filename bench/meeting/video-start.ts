// Does received video run smoothly from its first frame? In real Chromium with fake devices: a
// host sits in a live meeting with their camera on (VP8 simulcast, three spatial layers); one
// newcomer after another joins, and from the newcomer's first decoded frame of the host's video
// its inbound-rtp framesDecoded is sampled every 100 ms for 5 s (in the page, so the sampling
// is not slowed by the round trip to the page). Per run: the longest gap with no new frame
// (the freeze) and the time from the first frame until frames arrive continuously (no gap over
// 200 ms from then on). The server's "consumer layers changed" lines (LOG_LEVEL=debug, forced
// here) are kept per run to match a freeze with the layers the SFU forwarded.
//
//   npx tsx bench/meeting/video-start.ts
//   BENCH_RUNS=20 npx tsx bench/meeting/video-start.ts
//   BENCH_LAYERS=1 npx tsx bench/meeting/video-start.ts   (prints each run's layer changes)
import assert from 'node:assert/strict';
import { admit, createClub } from '../../test/helpers/clubs.js';
import { signUpAndLogin } from '../../test/helpers/accounts.js';
import { launchBrowser, openPerson, startE2EServer } from '../../test/e2e/harness.js';
import { joinMeeting, percentile, signIn } from '../../test/e2e/meeting-helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const SAMPLE_MS = 100;
const WINDOW_MS = 5_000;
const CONTINUOUS_GAP_MS = 200;

/** Waits in the page for the first decoded frame of inbound video, then samples framesDecoded for the window. */
const SAMPLE_FRAMES = `(async () => {
  const frames = async () => {
    let total = 0;
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video' && s.mid !== 'probator') total += s.framesDecoded ?? 0; });
    }
    return total;
  };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const deadline = performance.now() + 30000;
  while ((await frames()) === 0) {
    if (performance.now() > deadline) return null;
    await sleep(20);
  }
  const start = performance.now();
  const samples = [];
  while (performance.now() - start <= ${WINDOW_MS}) {
    samples.push([performance.now() - start, await frames()]);
    await sleep(${SAMPLE_MS});
  }
  return samples;
})()`;

interface RunFigures {
  freezeMs: number;
  continuousFromMs: number;
}

/** The longest stretch without a new frame, and when the last stretch longer than the limit ended. */
function figures(samples: [number, number][]): RunFigures {
  let lastChange = 0;
  let lastFrames = samples[0]?.[1] ?? 0;
  let freezeMs = 0;
  let continuousFromMs = 0;
  for (const [at, frames] of samples) {
    if (frames > lastFrames) {
      const gap = at - lastChange;
      freezeMs = Math.max(freezeMs, gap);
      if (gap > CONTINUOUS_GAP_MS) continuousFromMs = at;
      lastChange = at;
      lastFrames = frames;
    }
  }
  const end = samples.at(-1)?.[0] ?? 0;
  const trailing = end - lastChange;
  freezeMs = Math.max(freezeMs, trailing);
  if (trailing > CONTINUOUS_GAP_MS) continuousFromMs = end;
  return { freezeMs: Math.round(freezeMs), continuousFromMs: Math.round(continuousFromMs) };
}

interface LayerLine {
  msg?: string;
  layers?: { user_id: number; spatial_layer: number | null; temporal_layer: number | null; preferred_spatial_layer: number | null; ms_since_resume: number | null; type: string };
}

/** The layer changes of the consumers `userId` receives. */
function layerChanges(lines: string[], userId: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (!line.includes('consumer layers changed')) continue;
    const { layers } = JSON.parse(line) as LayerLine;
    if (layers?.user_id === userId) out.push(`S${layers.spatial_layer ?? '-'}T${layers.temporal_layer ?? '-'}@${layers.ms_since_resume ?? '?'}ms(pref S${layers.preferred_spatial_layer ?? '-'})`);
  }
  return out;
}

function summary(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? NaN };
}

async function main(): Promise<void> {
  const e2e = await startE2EServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'debug' } });
  try {
    const http = e2e.server.http;
    const host = await signUpAndLogin(http);
    // Clubs hold at most 12: each newcomer is removed from the club (and so the meeting) after its run.
    const club = await createClub(http, host, { max_members: 4 });
    const meeting = await http.post(`/api/clubs/${club.id}/meetings`, { title: 'Bench meeting' }, host.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    const meetingId = (meeting.body as { id: number }).id;

    const hostSide = await openPerson(e2e.url);
    await signIn(hostSide.context, host);
    await joinMeeting(hostSide.page, meetingId);

    const runs: RunFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const newcomer = await signUpAndLogin(http);
      await admit(http, club.id, host, newcomer);
      const { context, page } = await openPerson(e2e.url);
      await signIn(context, newcomer);
      const logsFrom = e2e.server.logs.length;
      await joinMeeting(page, meetingId);
      const samples = await page.evaluate<[number, number][] | null>(SAMPLE_FRAMES);
      if (!samples) throw new Error('no decoded frame within 30 s');
      const result = figures(samples);
      runs.push(result);
      const layers = layerChanges(e2e.server.logs.slice(logsFrom), newcomer.id);
      console.log(`run ${run + 1}/${RUNS}: freeze ${result.freezeMs} ms, continuous from ${result.continuousFromMs} ms${process.env.BENCH_LAYERS ? ` layers ${layers.join(' ')}` : ''}`);
      await context.close();
      const removed = await http.delete(`/api/clubs/${club.id}/members/${newcomer.id}`, host.access);
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
    }
    const freeze = summary(runs.map((r) => r.freezeMs));
    const continuous = summary(runs.map((r) => r.continuousFromMs));
    console.log(
      JSON.stringify({
        runs: RUNS,
        freeze_p50_ms: freeze.p50,
        freeze_p95_ms: freeze.p95,
        freeze_max_ms: freeze.max,
        continuous_from_p50_ms: continuous.p50,
        continuous_from_p95_ms: continuous.p95,
        continuous_from_max_ms: continuous.max,
        runs_with_freeze_over_1s: runs.filter((r) => r.freezeMs > 1_000).length,
      }),
    );
    await hostSide.context.close();
  } finally {
    await e2e.close();
    await (await launchBrowser()).close();
  }
}

await main();
