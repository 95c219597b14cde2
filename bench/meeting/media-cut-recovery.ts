// Time to recover from a media cut, in real Chromium with fake devices: two people in a
// meeting through a server with its own RTC port range; UDP to and from that range is dropped
// on loopback for ten seconds with nftables (Socket.IO over TCP stays up), then the cut is
// lifted and the time until inbound video grows again on both sides is recorded. Needs nft as
// root. Each run is a fresh pair of browser contexts joining the same meeting.
//
//   npx tsx bench/meeting/media-cut-recovery.ts
//   BENCH_RUNS=10 npx tsx bench/meeting/media-cut-recovery.ts
import assert from 'node:assert/strict';
import { admit, createClub } from '../../test/helpers/clubs.js';
import { signUpAndLogin } from '../../test/helpers/accounts.js';
import { launchBrowser, openPerson, startE2EServer } from '../../test/e2e/harness.js';
import { cutAndRecover, grows, joinMeeting, percentile, randomRtcPorts, signIn, udpCutUnavailable } from '../../test/e2e/meeting-helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CUT_MS = Number(process.env.BENCH_CUT_MS ?? 10_000);
/** How long cutAndRecover waits for video after the cut is lifted. */
const RECOVERY_WAIT_MS = 60_000;

/** The SFU's consumer layer changes (LOG_LEVEL=debug), one line each. */
function layerLines(lines: string[]): string {
  return lines
    .filter((line) => line.includes('consumer layers changed'))
    .map((line) => {
      const { time, layers } = JSON.parse(line) as { time?: number; layers?: { user_id: number; spatial_layer: number | null; temporal_layer: number | null } };
      return `  ${String(time ?? '')} to user ${layers?.user_id ?? '?'}: S${layers?.spatial_layer ?? '-'}T${layers?.temporal_layer ?? '-'}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const unavailable = udpCutUnavailable();
  if (unavailable) throw new Error(unavailable);
  const ports = randomRtcPorts();
  const e2e = await startE2EServer({ env: { SFU_WORKERS: '1', SFU_RTC_MIN_PORT: String(ports.min), SFU_RTC_MAX_PORT: String(ports.max) } });
  try {
    const http = e2e.server.http;
    const [owner, member] = await Promise.all([signUpAndLogin(http), signUpAndLogin(http)]);
    const club = await createClub(http, owner);
    await admit(http, club.id, owner, member);
    const meeting = await http.post(`/api/clubs/${club.id}/meetings`, { title: 'Bench meeting' }, owner.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    const meetingId = (meeting.body as { id: number }).id;

    const samples: number[] = [];
    const resumedOverTcp: number[] = [];
    let failures = 0;
    for (let run = 0; run < RUNS; run++) {
      const ownerSide = await openPerson(e2e.url);
      const memberSide = await openPerson(e2e.url);
      try {
        await signIn(ownerSide.context, owner);
        await signIn(memberSide.context, member);
        await joinMeeting(ownerSide.page, meetingId);
        await joinMeeting(memberSide.page, meetingId);
        await Promise.all([grows(ownerSide.page, 'inVideo', 50_000), grows(memberSide.page, 'inVideo', 50_000)]);
        const logsFrom = e2e.server.logs.length;
        const seen = await cutAndRecover(
          [
            { page: ownerSide.page, other: member.username },
            { page: memberSide.page, other: owner.username },
          ],
          ports,
          CUT_MS,
        );
        samples.push(seen.recoveryMs);
        resumedOverTcp.push(seen.sides.filter((side) => side.resumedAtMs !== null).length);
        console.log(`run ${run + 1}/${RUNS}: ${seen.recoveryMs} ms ${JSON.stringify(seen)}`);
        if (process.env.BENCH_LAYERS) console.log(layerLines(e2e.server.logs.slice(logsFrom)));
      } catch (err) {
        // A run that does not recover within the wait counts as that long, and the next run goes on.
        failures += 1;
        samples.push(RECOVERY_WAIT_MS);
        console.log(`run ${run + 1}/${RUNS}: no recovery within ${RECOVERY_WAIT_MS} ms: ${err instanceof Error ? err.message : String(err)}`);
        // What the SFU forwarded meanwhile (LOG_LEVEL=debug prints the consumers' layer changes).
        console.log(layerLines(e2e.server.logs).split('\n').slice(-20).join('\n'));
      } finally {
        await ownerSide.context.close();
        await memberSide.context.close();
      }
    }
    const sorted = [...samples].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        runs: RUNS,
        cut_ms: CUT_MS,
        p50_ms: percentile(sorted, 50),
        p95_ms: percentile(sorted, 95),
        min_ms: sorted[0],
        max_ms: sorted.at(-1),
        sides_resumed_over_tcp_during_cut: resumedOverTcp,
        runs_not_recovered: failures,
      }),
    );
  } finally {
    await e2e.close();
    await (await launchBrowser()).close();
  }
}

await main();
