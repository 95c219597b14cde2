// The SFU reports into the real meeting records: a moderator's join takes a scheduled meeting
// live, sessions open and close, talk time lands on the participants, ending ends the record.
import assert from 'node:assert/strict';
import { MeetingRecords } from '../../../server/meetings/records.js';
import { clubWithCast, type ClubCast } from '../../helpers/clubs.js';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

interface Participant {
  user: { id: number };
  talk_ms: number;
  present: boolean;
}

describe('sfu: meeting records', function () {
  this.timeout(60_000);
  let server: TestServer;
  let cast: ClubCast;
  let sfu: SfuFixture;
  const bots: RtpBot[] = [];

  before(async () => {
    server = await startTestServer();
    cast = await clubWithCast(server.http);
    sfu = await startSfu({ recorder: new MeetingRecords(server.app.database.db), settings: { levelIntervalMs: 200, talkFlushMs: 500 } });
  });
  after(async () => {
    for (const bot of bots) bot.close();
    await sfu.close();
    await server.close();
  });

  const meeting = async (id: number) => (await server.http.get(`/api/meetings/${id}`, cast.member.access)).body as { status: string; participants: Participant[] };

  it('starts the meeting, stores talk time per participant, and ends it', async () => {
    const scheduled = await server.http.post(
      `/api/clubs/${cast.clubId}/meetings`,
      { title: 'Chapter 3', scheduled_at: new Date(Date.now() + 3600_000).toISOString() },
      cast.moderator.access,
    );
    assert.equal(scheduled.status, 201);
    const meetingId = scheduled.body.id as number;
    const asMember = intentFor(meetingId, cast.member.id, { clubId: cast.clubId, mayStart: false });
    await assert.rejects(sfu.hub.join(asMember), (err: Error & { code?: string }) => err.code === 'conflict');

    const talker = await RtpBot.join(sfu.hub, intentFor(meetingId, cast.moderator.id, { clubId: cast.clubId, mayStart: true }), { levelDbov: 12 });
    bots.push(talker);
    assert.equal((await meeting(meetingId)).status, 'live');
    const listener = await RtpBot.join(sfu.hub, asMember, { levelDbov: 127 });
    bots.push(listener);

    // Talk time is written while the meeting goes on, not only at the end.
    const talkMs = async (userId: number) => (await meeting(meetingId)).participants.find((p) => p.user.id === userId)?.talk_ms ?? 0;
    await waitFor(async () => (await talkMs(cast.moderator.id)) >= 400, 'talk time during the meeting', 15_000);

    talker.close();
    listener.close();
    await sfu.hub.endMeeting(meetingId);
    const ended = await meeting(meetingId);
    assert.equal(ended.status, 'ended');
    const byUser = new Map(ended.participants.map((p) => [p.user.id, p]));
    assert.ok(byUser.get(cast.moderator.id)!.talk_ms >= 400, JSON.stringify(ended.participants));
    assert.equal(byUser.get(cast.member.id)!.talk_ms, 0);
    assert.ok(ended.participants.every((p) => !p.present));
  });
});
