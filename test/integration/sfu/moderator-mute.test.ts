// A moderator's mute asks the muted member's client to pause its microphone producer (the
// server drops the audio, the browser would still upload it), and lifting the lock tells that
// client it may resume. Only the muted member is asked. Real sockets against a real server.
import assert from 'node:assert/strict';
import { MeetingSuite } from '../../helpers/meeting-sockets.js';
import { opusProducerParameters } from '../../helpers/rtp-packets.js';
import { fails, nextEvent, noneBefore, ok } from '../../helpers/sockets.js';

describe('meetings: a moderator mute pauses the client producer', function () {
  this.timeout(60_000);
  const suite = MeetingSuite.start();

  const meeting = () => suite.joined('owner', 'member', 'guest');

  it('sends the muted member producer:pause-requested, and producer:resume-allowed once the lock lifts', async () => {
    const { meetingId, owner, member } = await meeting();
    const send = await ok(member, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    const mic = await ok(member, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(9000 + meetingId) });

    const asked = nextEvent(member, 'producer:pause-requested');
    // The moderator is not asked to pause anything: their peer:rights, sent after, arrives alone.
    await noneBefore(owner, 'producer:pause-requested', async () => {
      const rights = nextEvent(owner, 'peer:rights', (e) => e.user_id === suite.cast.member.id && e.mic_locked);
      await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.member.id, muted: true });
      await rights;
    });
    assert.deepEqual(await asked, { meeting_id: meetingId, producer_id: mic.id, reason: 'moderator' });
    assert.equal((await fails(member, 'producer:resume', { meeting_id: meetingId, producer_id: mic.id })).code, 'forbidden');

    const allowed = nextEvent(member, 'producer:resume-allowed');
    await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.member.id, muted: false });
    assert.deepEqual(await allowed, { meeting_id: meetingId, producer_id: mic.id, reason: 'moderator' });
    await ok(member, 'producer:resume', { meeting_id: meetingId, producer_id: mic.id });
  });

  it('asks nothing of a member without a microphone, nor lifts a lock that was not there', async () => {
    const { meetingId, owner, guest } = await meeting();
    // No producer to pause: the rights change alone is told (and arrives).
    await noneBefore(guest, 'producer:pause-requested', async () => {
      const rights = nextEvent(guest, 'peer:rights', (e) => e.user_id === suite.cast.guest.id && e.mic_locked);
      await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.guest.id, muted: true });
      await rights;
    });
    const send = await ok(guest, 'transport:create', { meeting_id: meetingId, direction: 'send' });
    await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.guest.id, muted: false });
    const mic = await ok(guest, 'produce', { meeting_id: meetingId, transport_id: send.id, kind: 'audio', source: 'mic', rtp_parameters: opusProducerParameters(9500 + meetingId) });
    assert.equal(mic.paused, false);
    // Unmuting someone who is not muted allows nothing new.
    await noneBefore(guest, 'producer:resume-allowed', async () => {
      const rights = nextEvent(guest, 'peer:rights', (e) => e.user_id === suite.cast.guest.id && !e.mic_locked);
      await ok(owner, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.guest.id, muted: false });
      await rights;
    });
  });
});
