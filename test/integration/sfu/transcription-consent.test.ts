// Transcription is the owner's decision, visible to everyone in the meeting: it is told when
// joining and on every change (the owner turning it on or off for one meeting, the club's
// default changing, a member opting out or back in), and microphones are tapped only while it
// is on and only for members who did not opt out.
import assert from 'node:assert/strict';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { joinOverSocket } from '../../helpers/meeting-sockets.js';
import { type RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { nextEvent, ok, OpenSockets } from '../../helpers/sockets.js';
import type { MeetingHub } from '../../../sfu/meeting-hub.js';
import type { AudioTaps } from '../../../sfu/audio-taps.js';
import { waitFor } from '../../helpers/wait.js';

describe('meetings: transcription consent', function () {
  this.timeout(60_000);
  let server: TestServer;
  let hub: MeetingHub;
  let taps: AudioTaps;
  let cast: ClubCast;
  const sockets = new OpenSockets(() => server.url);
  const bots: RtpBot[] = [];

  const openMeeting = async (body: Record<string, unknown> = {}): Promise<number> => {
    const res = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'Chapter 9', ...body }, cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };

  before(async () => {
    server = await startTestServer({ env: { SFU_WORKERS: '1' } });
    hub = server.app.meetings!;
    taps = server.app.audioTaps!;
  });
  beforeEach(async () => {
    cast = await clubWithCast(server.http);
  });
  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
    sockets.closeAll();
  });
  after(() => server?.close());

  it('is off by default, turned on and off by the owner for everyone to see, and taps only while on', async () => {
    const meetingId = await openMeeting();
    const meeting = await server.http.get(`/api/meetings/${meetingId}`, cast.member.access);
    assert.equal(meeting.body.transcription, false);
    assert.equal(meeting.body.transcription_setting, null);

    const watcher = await sockets.connect(cast.notetaker);
    const joined = await ok(watcher, 'meeting:join', { meeting_id: meetingId });
    assert.deepEqual(joined.transcription, { on: false, opted_out: [] });
    const member = await joinOverSocket(await sockets.connect(cast.member), hub, meetingId, cast.member.id);
    bots.push(member);
    const mic = member.producers.mic as string;

    // Moderators arrange meetings but do not decide on transcription.
    const refused = await server.http.patch(`/api/meetings/${meetingId}`, { transcription: true }, cast.moderator.access);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal((await server.http.patch(`/api/meetings/${meetingId}`, { title: 'Chapter 9 and 10' }, cast.moderator.access)).status, 200);
    assert.equal(taps.has(mic), false, 'nothing is tapped while transcription is off');

    const told = nextEvent(watcher, 'meeting:transcription');
    const on = await server.http.patch(`/api/meetings/${meetingId}`, { transcription: true }, cast.owner.access);
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.equal(on.body.transcription, true);
    assert.deepEqual(await told, { meeting_id: meetingId, on: true, opted_out: [] });
    await waitFor(() => taps.has(mic), "the member's microphone tapped once transcription is on", 10_000);

    const toldOff = nextEvent(watcher, 'meeting:transcription');
    assert.equal((await server.http.patch(`/api/meetings/${meetingId}`, { transcription: false }, cast.owner.access)).status, 200);
    assert.deepEqual(await toldOff, { meeting_id: meetingId, on: false, opted_out: [] });
    await waitFor(() => !taps.has(mic), 'the tap closed once transcription is off', 10_000);
  });

  it("follows the club's default, and tells everyone who opted out", async () => {
    const meetingId = await openMeeting();
    const watcher = await sockets.connect(cast.notetaker);
    await ok(watcher, 'meeting:join', { meeting_id: meetingId });
    const member = await joinOverSocket(await sockets.connect(cast.member), hub, meetingId, cast.member.id);
    bots.push(member);
    const mic = member.producers.mic as string;

    assert.equal((await server.http.patch(`/api/clubs/${cast.clubId}`, { transcription_default: true }, cast.moderator.access)).status, 403);
    const told = nextEvent(watcher, 'meeting:transcription');
    const club = await server.http.patch(`/api/clubs/${cast.clubId}`, { transcription_default: true }, cast.owner.access);
    assert.equal(club.status, 200, JSON.stringify(club.body));
    assert.equal(club.body.transcription_default, true);
    assert.deepEqual(await told, { meeting_id: meetingId, on: true, opted_out: [] });
    await waitFor(() => taps.has(mic), 'tapped under the club default', 10_000);

    const optedOut = nextEvent(watcher, 'meeting:transcription');
    assert.equal((await server.http.patch('/api/me', { transcription_opt_out: true }, cast.member.access)).status, 200);
    assert.deepEqual(await optedOut, { meeting_id: meetingId, on: true, opted_out: [cast.member.id] });
    await waitFor(() => !taps.has(mic), "an opted-out member's tap closes", 10_000);

    // A new meeting of the club is transcribed from the start; the owner may still say no for one.
    const next = await openMeeting();
    assert.equal((await server.http.get(`/api/meetings/${next}`, cast.member.access)).body.transcription, true);
    const declined = await openMeeting({ transcription: false });
    const declinedView = await server.http.get(`/api/meetings/${declined}`, cast.member.access);
    assert.equal(declinedView.body.transcription, false);
    assert.equal(declinedView.body.transcription_setting, false);
    const byModerator = await server.http.post(`/api/clubs/${cast.clubId}/meetings`, { title: 'No', transcription: true }, cast.moderator.access);
    assert.equal(byModerator.status, 403);
  });
});
