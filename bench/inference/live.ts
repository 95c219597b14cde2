// bench/inference/live.ts: end of utterance → transcript segment, through a real server, with one
// speaker and with six at once, with ASR_ENGINE=pocketsphinx and ASR_ENGINE=none; and the
// server's event-loop delay meanwhile.
//
// The server runs in a child process (live-server.ts: the composition root, as the live
// transcription test starts it) and measures its own event-loop delay (perf_hooks, 2 ms
// resolution), reset when the bots start and read when the last segment has arrived. This
// process holds the bots (real Opus RTP over UDP into the SFU, signaling over Socket.IO), a
// watching socket collecting `transcript:segment`, and an official y-websocket provider
// (disableBc) on the meeting document observing its transcript array.
//
// Each bot is a different member and speaks `utterances` flite sentences (sentences.ts) with
// `gap` seconds of silence between them. End of utterance = when the packet holding the last
// speech sample was sent (the last 10 ms with RMS above −40 dBFS) + the segmenter's minimum
// silence (0.5 s: SegmenterOptions' default, which LiveTranscription keeps); the earliest moment
// the server can know the utterance is over. Latency = arrival at the socket / in the document
// minus that. Segments are paired with sentences in order, per speaker.
//
//   npx tsx bench/inference/live.ts
//   BENCH_RUNS=2 BENCH_UTTERANCES=3 BENCH_GAP=2 BENCH_ENGINES=pocketsphinx,none BENCH_SPEAKERS=1,6
//   BENCH_CPU_PROF=/tmp/prof   (the server child writes a .cpuprofile there when it exits)
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { JoinIntent } from '../../sfu/meeting-hub.js';
import { transcriptOf } from '../../shared/notes-schema.js';
import type { JoinReply } from '../../shared/protocol/meetings-media.js';
import { signUpAndLogin, type TestAccount } from '../../test/helpers/accounts.js';
import { admit, createClub } from '../../test/helpers/clubs.js';
import { HttpClient } from '../../test/helpers/http.js';
import { RtpBot, type BotHub } from '../../test/helpers/rtp-bots.js';
import { connect, ok, type TestSocket } from '../../test/helpers/sockets.js';
import { speech } from '../../test/helpers/speech.js';
import { opusPackets } from '../../test/integration/inference/opus-speech.js';
import type { LoopDelay, ServerCall, ServerMessage } from './live-ipc.js';
import { BOOK_CLUB_SENTENCES } from './sentences.js';

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const utterances = Math.max(1, Number(process.env.BENCH_UTTERANCES ?? 3));
const gapSeconds = Number(process.env.BENCH_GAP ?? 2);
const engines = (process.env.BENCH_ENGINES ?? 'pocketsphinx,none').split(',').filter(Boolean);
const speakerCounts = (process.env.BENCH_SPEAKERS ?? '1,6').split(',').map(Number);
const cpuProfDir = process.env.BENCH_CPU_PROF;

const RATE = 16_000;
const FRAME = 320; // samples per 20 ms Opus packet at 16 kHz
const LEAD_SECONDS = 1.5;
const MIN_SILENCE_MS = 500;
const SPEECH_DBFS = -40;

// ---------------------------------------------------------------------------------------------
// The server child

type Call = ServerCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

class ServerChild {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: ServerMessage) => {
      if (m.type !== 'reply') return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(m.error));
    });
  }

  static start(asrEngine: string): Promise<ServerChild> {
    const execArgv = ['--import', 'tsx', ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [])];
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'live-server.ts');
    const child = fork(file, [], { execArgv, env: { ...process.env, ASR_ENGINE: asrEngine }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)));
      child.on('message', (m: ServerMessage) => {
        if (m.type === 'ready') resolve(new ServerChild(child, m.url));
      });
    });
  }

  call<T>(call: Call): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ ...call, id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ method: 'close' });
    await exited;
  }
}

/** The bot's signaling over its socket; only the plain transports come from the server child. */
function botHub(socket: TestSocket, server: ServerChild): BotHub {
  return {
    join: async (intent: JoinIntent): Promise<JoinReply> => ok(socket, 'meeting:join', { meeting_id: intent.meetingId }),
    createPlainTransport: (userId, meetingId, direction) => server.call({ method: 'createPlainTransport', userId, meetingId, direction }),
    connectPlainTransport: (userId, meetingId, transportId, remote) => server.call({ method: 'connectPlainTransport', userId, meetingId, transportId, remote }),
    produce: (_userId, p) => ok(socket, 'produce', p),
    consume: (_userId, p) => ok(socket, 'consume', p),
    resumeConsumer: (_userId, p) => ok(socket, 'consumer:resume', p),
  };
}

// ---------------------------------------------------------------------------------------------
// What the bots say

interface Script {
  frames: Buffer[];
  /** Per sentence: the index of the packet holding its last speech sample. */
  lastSpeechFrame: number[];
  sentences: string[];
}

/** The sample after the last 10 ms whose RMS is above SPEECH_DBFS. */
function speechEnd(samples: Float32Array): number {
  const step = RATE / 100;
  const floor = 10 ** (SPEECH_DBFS / 20);
  for (let at = samples.length - step; at >= 0; at -= step) {
    let sum = 0;
    for (let i = at; i < at + step; i++) sum += samples[i]! * samples[i]!;
    if (Math.sqrt(sum / step) > floor) return at + step;
  }
  return 0;
}

const spoken = new Map<string, Float32Array>();
function sentenceAudio(sentence: string): Float32Array {
  let samples = spoken.get(sentence);
  if (!samples) spoken.set(sentence, (samples = speech(sentence)));
  return samples;
}

function script(first: number): Script {
  const sentences = Array.from({ length: utterances }, (_, k) => BOOK_CLUB_SENTENCES[(first + k) % BOOK_CLUB_SENTENCES.length]!);
  const parts: Float32Array[] = [new Float32Array(Math.round(LEAD_SECONDS * RATE))];
  const lastSpeechFrame: number[] = [];
  let length = parts[0]!.length;
  for (const sentence of sentences) {
    const audio = sentenceAudio(sentence);
    lastSpeechFrame.push(Math.floor((length + speechEnd(audio) - 1) / FRAME));
    parts.push(audio, new Float32Array(Math.round(gapSeconds * RATE)));
    length += audio.length + Math.round(gapSeconds * RATE);
  }
  const all = new Float32Array(length);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { frames: opusPackets(all), lastSpeechFrame, sentences };
}

// ---------------------------------------------------------------------------------------------
// One run: a fresh meeting, `speakers` bots at once

interface Arrival {
  id: string;
  speaker: number;
  startMs: number;
  at: number;
  text: string;
}

interface RunResult {
  socketMs: number[];
  documentMs: number[];
  unpaired: number;
  loop: LoopDelay;
  benchLoopP99: number;
  texts: string[];
}

interface Club {
  id: number;
  owner: TestAccount;
  speakers: TestAccount[];
}

async function setUpClub(http: HttpClient): Promise<Club> {
  const owner = await signUpAndLogin(http);
  const club = await createClub(http, owner, { max_members: 10 });
  const speakers: TestAccount[] = [];
  for (let i = 0; i < Math.max(...speakerCounts); i++) {
    const member = await signUpAndLogin(http);
    await admit(http, club.id, owner, member);
    speakers.push(member);
  }
  return { id: club.id, owner, speakers };
}

function openDocument(url: string, name: string, ticket: string): Promise<{ doc: Y.Doc; provider: WebsocketProvider }> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${url.replace('http', 'ws')}/collab`, name, doc, {
    params: { ticket },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  return new Promise((resolve) => provider.once('sync', () => resolve({ doc, provider })));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

async function oneRun(server: ServerChild, http: HttpClient, club: Club, speakers: number, run: number): Promise<RunResult> {
  const meeting = await http.post<{ id: number }>(`/api/clubs/${club.id}/meetings`, { title: `Bench ${speakers}×${run}`, transcription: true }, club.owner.access);
  if (meeting.status !== 201) throw new Error(`meeting: ${meeting.status} ${JSON.stringify(meeting.body)}`);
  const meetingId = meeting.body.id;
  const sockets: TestSocket[] = [];
  const bots: RtpBot[] = [];
  const watcher = await connect(server.url, club.owner.access);
  sockets.push(watcher);
  await ok(watcher, 'meeting:join', { meeting_id: meetingId });
  const pushed: Arrival[] = [];
  watcher.on('transcript:segment', (p) => {
    if (p.meeting_id === meetingId) pushed.push({ id: String(p.segment.id), speaker: p.segment.speaker_id, startMs: p.segment.start_ms, at: performance.now(), text: p.segment.text });
  });
  const docName = `meeting.${meetingId}`;
  const ticket = await http.post<{ ticket: string }>('/api/collab/tickets', { doc: docName }, club.owner.access);
  if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.body)}`);
  const { doc, provider } = await openDocument(server.url, docName, ticket.body.ticket);
  const written: Arrival[] = [];
  const transcript = transcriptOf(doc);
  transcript.observe(() => {
    const at = performance.now();
    for (const s of transcript.toArray().slice(written.length)) written.push({ id: s.id, speaker: s.speaker_id ?? -1, startMs: s.start_ms, at, text: s.text });
  });

  const scripts = Array.from({ length: speakers }, (_, b) => script(run * 7 + b * utterances));
  try {
    for (let b = 0; b < speakers; b++) {
      const member = club.speakers[b]!;
      const socket = await connect(server.url, member.access);
      sockets.push(socket);
      const intent: JoinIntent = { meetingId, clubId: club.id, userId: member.id, clubCapacity: 0, canPublish: true, mayStart: false, transcriptionOptOut: false };
      bots.push(await RtpBot.join(botHub(socket, server), intent, { speech: scripts[b]!.frames, idle: true }));
    }
    const benchLoop = monitorEventLoopDelay({ resolution: 2 });
    await server.call({ method: 'resetLoopDelay' });
    benchLoop.enable();
    const started = performance.now();
    for (const bot of bots) bot.start();
    const expected = speakers * utterances;
    const audioMs = (scripts[0]!.frames.length * 20);
    const complete = await waitUntil(() => pushed.length >= expected && written.length >= expected, audioMs + 120_000);
    const loop = await server.call<LoopDelay>({ method: 'readLoopDelay' });
    benchLoop.disable();
    if (!complete) console.error(`run ${run}, ${speakers} speakers: ${pushed.length} pushed, ${written.length} written of ${expected} expected`);

    const socketMs: number[] = [];
    const documentMs: number[] = [];
    let unpaired = 0;
    for (let b = 0; b < speakers; b++) {
      const userId = club.speakers[b]!.id;
      const ends = scripts[b]!.lastSpeechFrame.map((frame) => started + frame * 20 + MIN_SILENCE_MS);
      const mine = (list: Arrival[]) => list.filter((a) => a.speaker === userId).sort((x, y) => x.startMs - y.startMs);
      const seen = mine(pushed);
      const stored = mine(written);
      if (seen.length !== ends.length || stored.length !== ends.length) {
        unpaired += Math.abs(seen.length - ends.length);
        console.error(`speaker ${b}: ${seen.length} segments pushed, ${stored.length} in the document, ${ends.length} sentences spoken: not paired`);
        continue;
      }
      ends.forEach((end, k) => {
        socketMs.push(seen[k]!.at - end);
        documentMs.push(stored[k]!.at - end);
      });
    }
    return { socketMs, documentMs, unpaired, loop, benchLoopP99: benchLoop.percentile(99) / 1e6, texts: pushed.map((p) => p.text) };
  } finally {
    for (const bot of bots) bot.close();
    for (const socket of sockets) socket.close();
    provider.destroy();
    doc.destroy();
  }
}

// ---------------------------------------------------------------------------------------------

const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const median = (xs: number[]): number => percentile(xs, 50);
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

interface Row {
  engine: string;
  speakers: number;
  socket: number[];
  document: number[];
  unpaired: number;
  loops: LoopDelay[];
  benchLoops: number[];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const engine of engines) {
    const server = await ServerChild.start(engine);
    try {
      const http = new HttpClient(server.url);
      const club = await setUpClub(http);
      for (const speakers of speakerCounts) {
        const row: Row = { engine, speakers, socket: [], document: [], unpaired: 0, loops: [], benchLoops: [] };
        for (let run = 0; run < runs; run++) {
          const result = await oneRun(server, http, club, speakers, run);
          row.socket.push(...result.socketMs);
          row.document.push(...result.documentMs);
          row.unpaired += result.unpaired;
          row.loops.push(result.loop);
          row.benchLoops.push(result.benchLoopP99);
          process.stderr.write(
            `${engine}, ${speakers} speaker(s), run ${run + 1}/${runs}: socket p50 ${fmt(median(result.socketMs))} ms, document p50 ${fmt(median(result.documentMs))} ms, server loop p99 ${fmt(result.loop.p99, 1)} ms, max ${fmt(result.loop.max, 1)} ms\n`,
          );
          if (process.env.BENCH_VERBOSE === '1') for (const t of result.texts) process.stderr.write(`  "${t}"\n`);
        }
        rows.push(row);
      }
    } finally {
      await server.close();
    }
  }

  console.log(`\nEnd of utterance → transcript segment, ${runs} runs × ${utterances} sentences per speaker (${gapSeconds} s apart), latency in ms`);
  console.log('server event-loop delay: measured inside the server process (perf_hooks, 2 ms resolution) from the first packet to the last segment; p50: median over runs, p99 and max: the worst run');
  console.log('\n| ASR_ENGINE | speakers | utterances | socket p50 | socket p95 | document p50 | document p95 | loop p50 | loop p99 | loop max | bench loop p99 | unpaired |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${r.speakers} | ${r.socket.length} | ${fmt(percentile(r.socket, 50))} | ${fmt(percentile(r.socket, 95))} | ${fmt(percentile(r.document, 50))} | ${fmt(percentile(r.document, 95))} | ${fmt(median(r.loops.map((l) => l.p50)), 1)} | ${fmt(Math.max(...r.loops.map((l) => l.p99)), 1)} | ${fmt(Math.max(...r.loops.map((l) => l.max)), 1)} | ${fmt(Math.max(...r.benchLoops), 1)} | ${r.unpaired} |`,
    );
  }
  console.log(`\nserver loop p99 of every run: ${rows.map((r) => `${r.engine}×${r.speakers}: ${r.loops.map((l) => fmt(l.p99, 1)).join(', ')}`).join('; ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
