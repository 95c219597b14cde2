// Uploaded recordings, end to end through a real server: real multipart uploads of real speech
// (flite → sox, opusenc), the job that transcribes them per speaker (pocketsphinx), progress
// over a real Socket.IO client, the refusals, and a job interrupted by a restart that resumes
// without doubling a segment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { nextEvent, OpenSockets, type Payload } from '../../helpers/sockets.js';
import { requireTools, speechWav, wordErrorRate } from '../../helpers/speech.js';
import { waitFor } from '../../helpers/wait.js';

const LEFT = 'let us meet again next friday to discuss the first five chapters';
const RIGHT = 'i think the narrator is not telling the whole truth';
const STORY = [
  'the winter came early to the northern villages that year',
  'nobody in the house wanted to open the old letters',
  'she kept the garden going long after her brother left',
  'every chapter ends with a question that nobody answers',
  'the second half of the book moves much faster than the first',
  'we should read the last three chapters before next month',
];

type Progress = Payload<'recording:progress'>;

function work(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rt-recordings-'));
}

/** Two speakers, one per channel: `left` from 0.5 s, `right` after it, at 44.1 kHz. */
function stereoWav(dir: string): string {
  const left = speechWav(LEFT, { rate: 44_100, padBefore: 0.5, padAfter: 6 });
  const right = speechWav(RIGHT, { rate: 44_100, padBefore: 5.5, padAfter: 0.5 });
  const out = path.join(dir, 'two-speakers.wav');
  execFileSync('sox', ['-M', left, right, '-b', '16', out]);
  return out;
}

function opusFile(dir: string, text: string): string {
  const wav = speechWav(text, { rate: 48_000, padBefore: 0.5, padAfter: 0.8 });
  const out = path.join(dir, 'speech.opus');
  execFileSync('opusenc', ['--quiet', wav, out]);
  return out;
}

/** The story read with pauses between sentences, one mono file. */
function longWav(dir: string): string {
  const parts = STORY.map((s) => speechWav(s, { padBefore: 0.4, padAfter: 1.2 }));
  const out = path.join(dir, 'story.wav');
  execFileSync('sox', [...parts, out]);
  return out;
}

async function upload(server: TestServer, meetingId: number, token: string, files: Array<{ file: string; name?: string } | { bytes: Buffer; name: string }>, speakers: unknown) {
  const form = new FormData();
  form.set('speakers', JSON.stringify(speakers));
  for (const f of files) {
    const bytes = 'bytes' in f ? f.bytes : fs.readFileSync(f.file);
    form.append('recordings', new Blob([bytes]), 'bytes' in f ? f.name : (f.name ?? path.basename(f.file)));
  }
  const res = await fetch(`${server.url}/api/meetings/${meetingId}/recordings`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

interface Segment {
  speaker_id: number;
  start_ms: number;
  end_ms: number;
  text: string;
}

async function transcript(server: TestServer, meetingId: number, token: string): Promise<Segment[]> {
  const res = await server.http.get(`/api/meetings/${meetingId}/transcript?limit=500`, token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items as Segment[];
}

const textOf = (segments: Segment[], speaker: number) => segments.filter((s) => s.speaker_id === speaker).map((s) => s.text).join(' ');

describe('uploaded recordings (pocketsphinx)', function () {
  this.timeout(180_000);
  let server: TestServer;
  let cast: ClubCast;
  let meetingId: number;
  const sockets = new OpenSockets(() => server.url);
  const dir = work();

  before(async function () {
    requireTools(this, 'flite', 'sox', 'opusenc', 'pocketsphinx_continuous');
    server = await startTestServer({ env: { ASR_ENGINE: 'pocketsphinx', RECORDING_MAX_SECONDS: '60' } });
    cast = await clubWithCast(server.http);
    const meeting = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 5' }, cast.owner.access);
    assert.equal(meeting.status, 201, JSON.stringify(meeting.body));
    meetingId = meeting.body.id as number;
  });
  after(async () => {
    sockets.closeAll();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('transcribes a two-channel WAV per channel, each under its speaker, with times in the file, and pushes progress to the uploader', async () => {
    const socket = await sockets.connect(cast.owner);
    const events: Progress[] = [];
    socket.on('recording:progress', (p) => events.push(p));
    const wav = stereoWav(dir);
    const res = await upload(server, meetingId, cast.owner.access, [{ file: wav }], [[cast.member.id, cast.moderator.id]]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'queued');
    assert.deepEqual(res.body.files.map((f: Record<string, unknown>) => [f.format, f.channels, f.sample_rate]), [['wav', 2, 44_100]]);
    const done = await nextEvent(socket, 'recording:progress', (p) => p.job_id === res.body.job_id && p.status !== 'running', 120_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.done_seconds, done.total_seconds);
    const running = events.filter((e) => e.job_id === res.body.job_id && e.status === 'running');
    assert.ok(running.length >= 2, `only ${running.length} progress events`);
    assert.ok(running.some((e) => e.done_seconds > 0 && e.done_seconds < e.total_seconds), 'no progress between start and end');
    for (let i = 1; i < running.length; i++) assert.ok(running[i]!.done_seconds >= running[i - 1]!.done_seconds, 'progress went backwards');

    const segments = await transcript(server, meetingId, cast.member.access);
    const seconds = res.body.files[0].seconds as number;
    for (const s of segments) assert.ok(s.start_ms >= 0 && s.end_ms <= seconds * 1000 + 1 && s.start_ms < s.end_ms, JSON.stringify(s));
    const leftWer = wordErrorRate(LEFT, textOf(segments, cast.member.id));
    const rightWer = wordErrorRate(RIGHT, textOf(segments, cast.moderator.id));
    console.log(`      left channel WER ${leftWer.toFixed(2)}, right channel WER ${rightWer.toFixed(2)}`);
    assert.ok(leftWer <= 0.35, `left: ${textOf(segments, cast.member.id)}`);
    assert.ok(rightWer <= 0.35, `right: ${textOf(segments, cast.moderator.id)}`);
    // The right speaker starts about 5.5 s in; the left has finished by then.
    const firstRight = segments.find((s) => s.speaker_id === cast.moderator.id)!;
    assert.ok(firstRight.start_ms > 4_000, `right speaker at ${firstRight.start_ms} ms`);
    assert.ok(segments.filter((s) => s.speaker_id === cast.member.id).every((s) => s.start_ms < 1_500));
  });

  it('transcribes an Ogg Opus file with one speaker', async () => {
    const sentence = 'the second half of the book moves much faster than the first';
    const socket = await sockets.connect(cast.owner);
    const res = await upload(server, meetingId, cast.owner.access, [{ file: opusFile(dir, sentence), name: 'notes.opus' }], [[cast.notetaker.id]]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.files[0].format, 'ogg-opus');
    const done = await nextEvent(socket, 'recording:progress', (p) => p.job_id === res.body.job_id && p.status !== 'running', 120_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const text = textOf(await transcript(server, meetingId, cast.owner.access), cast.notetaker.id);
    const wer = wordErrorRate(sentence, text);
    console.log(`      Ogg Opus WER ${wer.toFixed(2)}`);
    assert.ok(wer <= 0.35, text);
  });

  it('refuses a non-owner, speakers outside the club or opted out, a non-audio file named .wav, and a recording that is too long; nothing is queued', async () => {
    const jobsBefore = await server.app.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const short = speechWav('hello there', { padAfter: 0.3 });
    const forbidden = await upload(server, meetingId, cast.moderator.access, [{ file: short }], [[cast.moderator.id]]);
    assert.equal(forbidden.status, 403, JSON.stringify(forbidden.body));
    assert.equal(forbidden.body.error.code, 'forbidden');

    const outside = await upload(server, meetingId, cast.owner.access, [{ file: short }], [[cast.outsider.id]]);
    assert.equal(outside.status, 400, JSON.stringify(outside.body));
    assert.match(outside.body.error.message, new RegExp(String(cast.outsider.id)));

    const optOut = await server.http.patch('/api/me', { transcription_opt_out: true }, cast.guest.access);
    assert.equal(optOut.status, 200);
    const refusedMember = await server.http.patch('/api/me', { transcription_opt_out: true }, cast.member.access);
    assert.equal(refusedMember.status, 200);
    try {
      const opted = await upload(server, meetingId, cast.owner.access, [{ file: short }], [[cast.owner.id, cast.member.id]]);
      assert.equal(opted.status, 409, JSON.stringify(opted.body));
      assert.equal(opted.body.error.code, 'speaker_opted_out');
      assert.deepEqual(opted.body.error.details.user_ids, [cast.member.id]);
    } finally {
      await server.http.patch('/api/me', { transcription_opt_out: false }, cast.member.access);
    }

    const fake = Buffer.concat([Buffer.from('not audio at all '), randomBytes(4096)]);
    const notAudio = await upload(server, meetingId, cast.owner.access, [{ bytes: fake, name: 'meeting.wav' }], [[cast.owner.id]]);
    assert.equal(notAudio.status, 415, JSON.stringify(notAudio.body));
    assert.equal(notAudio.body.error.code, 'unsupported_media_type');
    const oggNotOpus = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60)]);
    assert.equal((await upload(server, meetingId, cast.owner.access, [{ bytes: oggNotOpus, name: 'meeting.opus' }], [[cast.owner.id]])).status, 415);

    const long = path.join(dir, 'long.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', long, 'trim', '0', '61']);
    const tooLong = await upload(server, meetingId, cast.owner.access, [{ file: long }], [[cast.owner.id]]);
    assert.equal(tooLong.status, 413, JSON.stringify(tooLong.body));
    assert.equal(tooLong.body.error.code, 'payload_too_large');

    const badSpeakers = await upload(server, meetingId, cast.owner.access, [{ file: short }], [[cast.owner.id, cast.member.id]]);
    assert.equal(badSpeakers.status, 400, 'two speakers named for a mono file');

    const jobsAfter = await server.app.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(jobsAfter.n), Number(jobsBefore.n));
    // Positive control: the same short file from an owner who names a member is accepted.
    assert.equal((await upload(server, meetingId, cast.owner.access, [{ file: short }], [[cast.owner.id]])).status, 202);
  });
});

describe('an uploaded recording interrupted by a restart', function () {
  this.timeout(240_000);
  const dir = work();
  let server: TestServer | undefined;

  before(function () {
    requireTools(this, 'flite', 'sox', 'pocketsphinx_continuous');
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resumes on the next start and writes each segment once', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const env = { ASR_ENGINE: 'pocketsphinx' };
    server = await startTestServer({ env, dataDir, persistentPglite: true });
    const cast = await clubWithCast(server.http);
    const meeting = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'The long one' }, cast.owner.access);
    const meetingId = meeting.body.id as number;
    const sockets = new OpenSockets(() => server!.url);
    const socket = await sockets.connect(cast.owner);
    const firstSegment = nextEvent(socket, 'recording:progress', (p) => p.segments >= 1, 120_000);
    const res = await upload(server, meetingId, cast.owner.access, [{ file: longWav(dir) }], [[cast.member.id]]);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const jobId = res.body.job_id as number;
    await firstSegment;
    sockets.closeAll();
    const first = server;
    server = undefined;
    await first.close();
    assert.ok(first.logs.some((l) => l.includes('job handed back for later')), 'the job was not interrupted');

    server = await startTestServer({ env, dataDir, persistentPglite: true });
    const db = server.app.database.db;
    await waitFor(async () => (await db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status === 'completed' || undefined, 'the job to complete', 180_000, 200);
    assert.ok(server.logs.some((l) => l.includes('its earlier segments are replaced')), 'the second run did not start from the first one’s segments');
    const rows = await db.selectFrom('transcript_segments').select(['start_ms', 'end_ms', 'text', 'job_id']).where('meeting_id', '=', meetingId).orderBy('start_ms').execute();
    assert.ok(rows.length >= STORY.length - 1, `only ${rows.length} segments`);
    assert.ok(rows.every((r) => r.job_id === jobId));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.start_ms >= rows[i - 1]!.end_ms, `segments overlap (written twice?): ${JSON.stringify(rows.slice(i - 1, i + 1))}`);
    const wer = wordErrorRate(STORY.join(' '), rows.map((r) => r.text).join(' '));
    console.log(`      ${rows.length} segments after the restart, WER ${wer.toFixed(2)}`);
    assert.ok(wer <= 0.4, rows.map((r) => r.text).join(' | '));
  });
});
