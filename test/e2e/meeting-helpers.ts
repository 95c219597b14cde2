// Shared by the meeting browser tests and benches: an init script that records the page's
// RTCPeerConnections as mediasoup-client creates them (test code, not the product's), and
// readers of their getStats().
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { signUpAndLogin, type TestAccount } from '../helpers/accounts.js';
import { admit, createClub } from '../helpers/clubs.js';
import type { HttpClient } from '../helpers/http.js';

export const RECORD_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  const all = [];
  Object.defineProperty(window, '__peerConnections', { value: all });
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); all.push(this); }
  };
})();`;

export interface Bytes {
  inAudio: number;
  inVideo: number;
  outAudio: number;
  outVideo: number;
  /** Inbound video frames decoded, over live receivers. */
  framesDecoded: number;
  /** Protocols ('udp' / 'tcp') of the selected candidate pairs' local candidates, one per open connection. */
  paths: string[];
  /** The protocol carrying inbound video (the receiving connection's selected pair), if any. */
  inPath: string | null;
  /** Inbound RTP streams of live receivers, by kind (not counting the SFU's bandwidth probe): one per remote source when nothing is doubled. */
  inStreams: { audio: number; video: number };
}

const READ_BYTES = `(async () => {
  const out = { inAudio: 0, inVideo: 0, outAudio: 0, outVideo: 0, framesDecoded: 0, paths: [], inPath: null, inStreams: { audio: 0, video: 0 } };
  for (const pc of window.__peerConnections ?? []) {
    if (pc.connectionState === 'closed') continue;
    const report = await pc.getStats();
    // A closed consumer's transceiver stays, inactive with an ended track (kept for reuse), and so do its stats.
    const live = new Set(pc.getTransceivers().filter((t) => t.currentDirection !== 'inactive' && t.receiver.track.readyState === 'live').map((t) => t.mid));
    let pairId = null;
    let receives = false;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        // mediasoup's bandwidth probe arrives as an extra video stream of its own.
        if (s.mid !== 'probator' && live.has(s.mid)) out.inStreams[s.kind] += 1;
        if (s.kind === 'audio') out.inAudio += s.bytesReceived ?? 0;
        else if (s.mid !== 'probator') { out.inVideo += s.bytesReceived ?? 0; out.framesDecoded += s.framesDecoded ?? 0; receives = true; }
      } else if (s.type === 'outbound-rtp') {
        if (s.kind === 'audio') out.outAudio += s.bytesSent ?? 0; else out.outVideo += s.bytesSent ?? 0;
      } else if (s.type === 'transport' && s.selectedCandidatePairId) {
        pairId = s.selectedCandidatePairId;
      }
    });
    const pair = pairId ? report.get(pairId) : undefined;
    const local = pair ? report.get(pair.localCandidateId) : undefined;
    if (local) out.paths.push(local.protocol);
    if (local && receives) out.inPath = local.protocol;
  }
  return out;
})()`;

/** Each open connection's states and selected path, for failure messages. */
const PEER_STATES = `(async () => Promise.all((window.__peerConnections ?? []).filter((pc) => pc.connectionState !== 'closed').map(async (pc) => {
  const report = await pc.getStats();
  const pairs = [];
  report.forEach((s) => { if (s.type === 'candidate-pair') pairs.push({ state: s.state, nominated: s.nominated, local: report.get(s.localCandidateId)?.protocol, requests: s.requestsSent, responses: s.responsesReceived }); });
  const video = [];
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') video.push({ mid: s.mid, bytes: s.bytesReceived, frames: s.framesDecoded, plis: s.pliCount, firs: s.firCount, keyFrames: s.keyFramesDecoded });
    if (s.type === 'outbound-rtp' && s.kind === 'video') video.push({ out: s.rid ?? s.mid, bytes: s.bytesSent, frames: s.framesEncoded, plis: s.pliCount, limit: s.qualityLimitationReason, active: s.active });
  });
  return { connection: pc.connectionState, ice: pc.iceConnectionState, receivers: pc.getReceivers().length, senders: pc.getSenders().length, pairs, video };
})))()`;

export function bytes(page: Page): Promise<Bytes> {
  return page.evaluate<Bytes>(READ_BYTES);
}

export type Counter = 'inAudio' | 'inVideo' | 'outAudio' | 'outVideo';

/** Waits until the counter has grown by `by` from now (stats are polled: they have no event). */
export async function grows(page: Page, counter: Counter, by: number, timeoutMs = 30_000): Promise<void> {
  const start = (await bytes(page))[counter];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = (await bytes(page))[counter];
    if (now - start >= by) return;
    if (Date.now() > deadline) throw new Error(`${counter} grew by ${now - start} bytes only, wanted ${by}`);
    await page.waitForTimeout(250);
  }
}

export interface MeetingPair {
  owner: TestAccount;
  member: TestAccount;
  clubId: number;
  meetingId: number;
}

/** Two new people, a club of the first with the second let in, and a live meeting of it. */
export async function liveMeetingOfTwo(http: HttpClient, title: string): Promise<MeetingPair> {
  const [owner, member] = await Promise.all([signUpAndLogin(http), signUpAndLogin(http)]);
  const club = await createClub(http, owner);
  await admit(http, club.id, owner, member);
  const meeting = await http.post(`/api/clubs/${club.id}/meetings`, { title }, owner.access);
  assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
  return { owner, member, clubId: club.id, meetingId: meeting.body.id as number };
}

export function sessionScript(account: TestAccount): string {
  return `localStorage.setItem('roundtable.session', ${JSON.stringify(JSON.stringify({ access: account.access, refresh: account.refresh }))});`;
}

/** Signs the context in without the UI and records its peer connections. */
export async function signIn(context: BrowserContext, account: TestAccount): Promise<void> {
  await context.addInitScript(sessionScript(account));
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
}

export function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

/** Opens the meeting page and joins from the pre-join screen (English), waiting for the room's controls. */
export async function joinMeeting(page: Page, meetingId: number): Promise<void> {
  await page.goto(`/meetings/${meetingId}`);
  await page.getByLabel('Your camera preview').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Join the meeting' }).click();
  await page.getByRole('toolbar', { name: 'Meeting controls' }).waitFor({ timeout: 30_000 });
}

/** A range of RTC ports for one server, picked at random so parallel runs rarely share it. */
export function randomRtcPorts(width = 100): { min: number; max: number } {
  const min = 47_000 + Math.floor(Math.random() * (1_000 - width));
  return { min, max: min + width - 1 };
}

function nft(script: string): { ok: boolean; error: string } {
  const run = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8' });
  if (run.error) return { ok: false, error: run.error.message };
  return { ok: run.status === 0, error: run.stderr.trim() };
}

/** Why a loopback UDP cut cannot be made here (nft missing or not permitted), or null when it can. */
export function udpCutUnavailable(): string | null {
  const probe = `rt_probe_${randomBytes(8).toString('hex')}`;
  const made = nft(`add table inet ${probe}\ndelete table inet ${probe}\n`);
  if (made.ok) return null;
  return `nftables cannot be used here (${made.error || 'nft failed'}); the media cut needs nft as root`;
}

export interface UdpCut {
  readonly table: string;
  /** Deletes the table; safe to call twice. */
  lift(): void;
}

/**
 * Drops UDP to and from the port range on loopback only (TCP, and so Socket.IO, stays up), in
 * a table of its own so that lifting it touches nothing else.
 */
export function cutLoopbackUdp(ports: { min: number; max: number }): UdpCut {
  const table = `rt_cut_${randomBytes(8).toString('hex')}`;
  const range = `${ports.min}-${ports.max}`;
  const made = nft(`add table inet ${table}
add chain inet ${table} input { type filter hook input priority -10; policy accept; }
add chain inet ${table} output { type filter hook output priority -10; policy accept; }
add rule inet ${table} input iif lo udp sport ${range} drop
add rule inet ${table} input iif lo udp dport ${range} drop
add rule inet ${table} output oif lo udp sport ${range} drop
add rule inet ${table} output oif lo udp dport ${range} drop
`);
  if (!made.ok) {
    nft(`delete table inet ${table}\n`);
    throw new Error(`could not cut UDP with nft: ${made.error}`);
  }
  let lifted = false;
  return {
    table,
    lift() {
      if (lifted) return;
      const gone = nft(`delete table inet ${table}\n`);
      if (!gone.ok) throw new Error(`could not delete nft table ${table}: ${gone.error}`);
      lifted = true;
    },
  };
}

export interface Side {
  page: Page;
  /** The other person's name, which labels their tile here. */
  other: string;
}

export interface SideDuringCut {
  /** Longest stretch with no new inbound video bytes, in ms (sampled every 250 ms). */
  longestStallMs: number;
  /** Ms after the cut when this side's tile of the other first said "Reconnecting media…" (null: never). */
  recoveringAtMs: number | null;
  /** Ms after the cut when inbound video grew again after its stall while the cut still held (null: not before the lift). */
  resumedAtMs: number | null;
  /** The receiving connection's selected ICE path ('udp' / 'tcp') when video resumed during the cut, or at the end of the cut. */
  path: string | null;
}

export interface CutObservation {
  sides: SideDuringCut[];
  /** From the cut lifted to inbound video growing again on all sides, in ms. */
  recoveryMs: number;
  /** The receiving connection's selected ICE path on each side once recovered. */
  pathsAfter: (string | null)[];
}

const RECOVERING_TEXT = 'Reconnecting media…';

/**
 * Notes in the page (Date.now()) the first time the other person's tile says media is
 * reconnecting: an observer sees it however briefly it shows, where polling a busy page may not.
 */
function observeRecovering(other: string): string {
  return `(() => {
    const name = ${JSON.stringify(other)};
    const text = ${JSON.stringify(RECOVERING_TEXT)};
    window.__recoveringSeenAt = null;
    const check = () => {
      if (window.__recoveringSeenAt !== null) return;
      const tile = [...document.querySelectorAll('[role="group"]')].find((group) => group.getAttribute('aria-label') === name);
      if (tile && [...tile.querySelectorAll('[role="status"]')].some((status) => (status.textContent ?? '').includes(text))) window.__recoveringSeenAt = Date.now();
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    check();
  })()`;
}

/** Samples one side every 250 ms while the cut holds. */
async function watchDuringCut(side: Side, cutAt: number, until: number): Promise<SideDuringCut> {
  await side.page.evaluate(observeRecovering(side.other));
  let last = (await bytes(side.page)).inVideo;
  let lastGrowthAt = cutAt;
  let stalled = false;
  const seen: SideDuringCut = { longestStallMs: 0, recoveringAtMs: null, resumedAtMs: null, path: null };
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await bytes(side.page);
    const at = Date.now();
    // A few hundred bytes may be RTP that was in flight; a frame of video is more.
    if (now.inVideo - last > 1_000) {
      if (stalled && seen.resumedAtMs === null) {
        seen.resumedAtMs = at - cutAt;
        seen.path = now.inPath;
      }
      lastGrowthAt = at;
      last = now.inVideo;
    } else {
      seen.longestStallMs = Math.max(seen.longestStallMs, at - lastGrowthAt);
      if (at - lastGrowthAt >= 1_000) stalled = true;
    }
    if (seen.resumedAtMs === null) seen.path = now.inPath;
  }
  const recoveringAt = await side.page.evaluate<number | null>('window.__recoveringSeenAt');
  seen.recoveringAtMs = recoveringAt === null ? null : recoveringAt - cutAt;
  return seen;
}

/** Polls until inbound video has grown by `by` bytes on every side; returns when the last one did (ms since `from`). */
export async function videoGrowsAgain(sides: Side[], from: number, by: number, timeoutMs: number): Promise<number> {
  const base = await Promise.all(sides.map(async (side) => (await bytes(side.page)).inVideo));
  const doneAt: (number | null)[] = sides.map(() => null);
  const deadline = Date.now() + timeoutMs;
  while (doneAt.some((t) => t === null)) {
    if (Date.now() > deadline) {
      const stuck = doneAt.flatMap((t, i) => (t === null ? [i] : []));
      const states = await Promise.all(sides.map((side) => side.page.evaluate<unknown>(PEER_STATES)));
      throw new Error(`inbound video did not come back within ${timeoutMs} ms on side(s) ${stuck.join(', ')}: ${JSON.stringify(states)}`);
    }
    await Promise.all(
      sides.map(async (side, i) => {
        if (doneAt[i] !== null) return;
        if ((await bytes(side.page)).inVideo - (base[i] ?? 0) >= by) doneAt[i] = Date.now() - from;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Math.max(...doneAt.map((t) => t ?? 0));
}

/**
 * Cuts the media path's UDP for `cutMs`, watches both sides meanwhile, lifts the cut and times
 * how long inbound video takes to grow again everywhere. The cut is always lifted.
 */
export async function cutAndRecover(sides: Side[], ports: { min: number; max: number }, cutMs = 10_000): Promise<CutObservation> {
  const during = await cutAndWatch(sides, ports, cutMs);
  const recoveryMs = await videoGrowsAgain(sides, Date.now(), 20_000, 60_000);
  const pathsAfter = await Promise.all(sides.map(async (side) => (await bytes(side.page)).inPath));
  return { sides: during, recoveryMs, pathsAfter };
}

/** Cuts the media path's UDP for `cutMs`, watching both sides meanwhile, then lifts it (always). */
export async function cutAndWatch(sides: Side[], ports: { min: number; max: number }, cutMs = 10_000): Promise<CutObservation['sides']> {
  const cut = cutLoopbackUdp(ports);
  const cutAt = Date.now();
  try {
    const during = await Promise.all(sides.map((side) => watchDuringCut(side, cutAt, cutAt + cutMs)));
    cut.lift();
    return during;
  } finally {
    cut.lift();
  }
}
