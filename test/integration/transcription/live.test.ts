// Live transcription end to end, through a real server: a bot publishes real speech (flite →
// opusenc → Opus RTP) into a meeting; the SFU's tap, voice activity, the recogniser and the
// transcript sink turn it into a segment attributed to the bot's member, in the database, in
// the meeting document and pushed to the meeting. Talk time reaches moderators only.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { joinOverSocket } from '../../helpers/meeting-sockets.js';
import type { RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { collect, nextEvent, ok, OpenSockets, type TestSocket } from '../../helpers/sockets.js';
import { opusFrames, requireTools, wordErrorRate } from '../../helpers/speech.js';
import type { TranscriptSegmentPayload } from '../../../shared/protocol/meetings-media.js';

const SENTENCE = 'let us meet again next friday to discuss the first five chapters';
const OTHER_SENTENCE = 'i think the narrator is not telling the whole truth';

interface Setup {
  server: TestServer;
  cast: ClubCast;
  sockets: OpenSockets;
  bots: RtpBot[];
}

async function setUp(env: Record<string, string>): Promise<Setup> {
  const server = await startTestServer({ env: { SFU_WORKERS: '1', ...env } });
  return { server, cast: await clubWithCast(server.http), sockets: new OpenSockets(() => server.url), bots: [] };
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  if (process.env.DEBUG_TRANSCRIPTION) for (const line of setup.server.logs) if (/transcri|tap|inference|vad|worker/i.test(line)) console.log(line.slice(0, 400));
  for (const bot of setup.bots) bot.close();
  setup.sockets.closeAll();
  await setup.server.close();
}

async function openMeeting({ server, cast }: Setup): Promise<number> {
  const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 5', transcription: true }, cast.owner.access);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as number;
}

/** A watcher socket in the meeting, collecting segments as they are pushed. */
async function watch(setup: Setup, meetingId: number, who: ClubCast['owner']): Promise<TestSocket> {
  const socket = await setup.sockets.connect(who);
  await ok(socket, 'meeting:join', { meeting_id: meetingId });
  return socket;
}

async function speak(setup: Setup, meetingId: number, who: ClubCast['member'], sentence: string): Promise<RtpBot> {
  const speech = opusFrames(sentence, { padBefore: 1.5, padAfter: 1.2 });
  const bot = await joinOverSocket(await setup.sockets.connect(who), setup.server.app.meetings!, meetingId, who.id, { speech });
  setup.bots.push(bot);
  return bot;
}

const segmentOf = (socket: TestSocket, speakerId: number): Promise<TranscriptSegmentPayload> =>
  nextEvent(socket, 'transcript:segment', (p) => p.segment.speaker_id === speakerId, 30_000).then((p) => p.segment);

describe('live transcription (pocketsphinx)', function () {
  this.timeout(90_000);
  let setup: Setup | undefined;

  before(async function () {
    requireTools(this, 'flite', 'sox', 'opusenc', 'pocketsphinx_continuous');
    setup = await setUp({ ASR_ENGINE: 'pocketsphinx' });
  });
  after(() => tearDown(setup));

  it("writes what a member said, under their name, into the database, the meeting document and everyone's transcript", async () => {
    const s = setup as Setup;
    const meetingId = await openMeeting(s);
    const owner = await watch(s, meetingId, s.cast.owner);
    const notetaker = await watch(s, meetingId, s.cast.notetaker);
    const toModerator = collect(owner, 'meeting:participation');
    const toNotetaker = collect(notetaker, 'meeting:participation');
    const pushed = segmentOf(notetaker, s.cast.member.id);
    await speak(s, meetingId, s.cast.member, SENTENCE);
    const segment = await pushed;

    const wer = wordErrorRate(SENTENCE, segment.text);
    console.log(`      pocketsphinx through the meeting: "${segment.text}" (word error rate ${wer.toFixed(2)})`);
    assert.ok(wer <= 0.35, `word error rate ${wer.toFixed(2)} for "${segment.text}"`);
    assert.equal(segment.engine, 'pocketsphinx');
    assert.equal(segment.language, 'en');
    // The speech starts 1.5 s into the stream and lasts about 4 s; padding widens the segment a little.
    const spoken = segment.end_ms - segment.start_ms;
    assert.ok(spoken > 3000 && spoken < 7000, `segment of ${spoken} ms`);

    const stored = await s.server.app.database.db.selectFrom('transcript_segments').selectAll().where('meeting_id', '=', meetingId).execute();
    assert.deepEqual(stored.map((r) => [r.id, r.speaker_id, r.text]), [[segment.id, s.cast.member.id, segment.text]]);

    const minutes = await s.server.http.get(`/api/collab/meeting.${meetingId}/export?format=md`, s.cast.member.access);
    assert.equal(minutes.status, 200);
    assert.ok(String(minutes.body).includes(segment.text), 'the transcript line is in the meeting document');
    assert.ok(String(minutes.body).includes(s.cast.member.username), "under the speaker's name");

    // Talk time went to the owner (a moderator), not to the note-taker, by the time both had the line.
    await nextEvent(owner, 'transcript:segment', (p) => p.segment.id === segment.id).catch(() => undefined);
    assert.ok(toModerator.length > 0, 'the owner sees talk time');
    const member = toModerator.at(-1)?.members.find((m) => m.user_id === s.cast.member.id);
    assert.ok(member && member.turns === 1 && member.talk_ms > 2500 && member.share === 1, JSON.stringify(member));
    assert.equal(toNotetaker.length, 0, 'a note-taker does not');
  });

  it('leaves nothing of a member who opted out, while the others are transcribed', async () => {
    const s = setup as Setup;
    const meetingId = await openMeeting(s);
    const owner = await watch(s, meetingId, s.cast.owner);
    assert.equal((await s.server.http.patch('/api/me', { transcription_opt_out: true }, s.cast.member.access)).status, 200);
    const other = segmentOf(owner, s.cast.moderator.id);
    const quiet = await speak(s, meetingId, s.cast.member, SENTENCE);
    await speak(s, meetingId, s.cast.moderator, OTHER_SENTENCE);
    await other;
    assert.equal(s.server.app.audioTaps?.has(quiet.producers.mic as string), false, 'the opted-out microphone is never tapped');
    const stored = await s.server.app.database.db.selectFrom('transcript_segments').select('speaker_id').where('meeting_id', '=', meetingId).execute();
    assert.deepEqual(stored.map((r) => r.speaker_id), [s.cast.moderator.id]);
    await s.server.http.patch('/api/me', { transcription_opt_out: false }, s.cast.member.access);
  });
});

describe('live transcription without a recogniser (ASR_ENGINE=none)', function () {
  this.timeout(60_000);
  let setup: Setup | undefined;

  before(async function () {
    requireTools(this, 'flite', 'sox', 'opusenc');
    setup = await setUp({ ASR_ENGINE: 'none' });
  });
  after(() => tearDown(setup));

  it('still records who spoke when', async () => {
    const s = setup as Setup;
    const meetingId = await openMeeting(s);
    const owner = await watch(s, meetingId, s.cast.owner);
    const pushed = segmentOf(owner, s.cast.member.id);
    await speak(s, meetingId, s.cast.member, SENTENCE);
    const segment = await pushed;
    assert.equal(segment.text, '');
    assert.equal(segment.engine, 'none');
    assert.ok(segment.end_ms - segment.start_ms > 3000, JSON.stringify(segment));
    const models = await s.server.http.get('/api/models', s.cast.member.access);
    const asr = (models.body as Array<{ id: string; task: string; state: string; unavailable_reason?: string }>).filter((m) => m.task === 'asr');
    assert.deepEqual(asr.find((m) => m.id === 'asr-none')?.state, 'ready');
    assert.match(asr.find((m) => m.id === 'whisper')?.unavailable_reason ?? '', /ASR_MODEL_DIR/);
  });
});
