// Raised hands: anyone in a meeting raises or lowers their own hand, owners and moderators lower
// anyone's, the queue keeps the order hands went up, a person leaving leaves it, and the join
// reply carries it. Real sockets against a real server.
import assert from 'node:assert/strict';
import { MeetingSuite } from '../../helpers/meeting-sockets.js';
import { fails, nextEvent, noneBefore, ok, type Payload } from '../../helpers/sockets.js';

type Queue = Payload<'meeting:hands'>['queue'];
const ids = (queue: Queue) => queue.map((h) => h.user_id);

describe('meetings: raised hands', function () {
  this.timeout(60_000);
  const suite = MeetingSuite.start();

  const meeting = () => suite.joined('owner', 'moderator', 'member', 'guest');

  it('queues hands in the order they went up and tells everyone', async () => {
    const { meetingId, owner, member, guest } = await meeting();
    const first = nextEvent(owner, 'meeting:hands', (e) => e.queue.length === 1);
    const reply = await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    assert.deepEqual(ids(reply.queue), [suite.cast.member.id]);
    assert.deepEqual(ids((await first).queue), [suite.cast.member.id]);

    const both = nextEvent(member, 'meeting:hands', (e) => e.queue.length === 2);
    await ok(guest, 'hand:raise', { meeting_id: meetingId, raised: true });
    const { queue } = await both;
    assert.deepEqual(ids(queue), [suite.cast.member.id, suite.cast.guest.id]);
    const [a, b] = queue.map((h) => Date.parse(h.raised_at));
    assert.ok(a !== undefined && b !== undefined && a <= b, JSON.stringify(queue));
    // Raising again keeps one's place.
    const again = await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    assert.deepEqual(ids(again.queue), [suite.cast.member.id, suite.cast.guest.id]);
  });

  it('lets a person lower their own hand', async () => {
    const { meetingId, owner, member, guest } = await meeting();
    await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    await ok(guest, 'hand:raise', { meeting_id: meetingId, raised: true });
    const lowered = nextEvent(owner, 'meeting:hands', (e) => e.queue.length === 1);
    await ok(member, 'hand:raise', { meeting_id: meetingId, raised: false });
    assert.deepEqual(ids((await lowered).queue), [suite.cast.guest.id]);
  });

  it('lets a moderator lower a hand, and refuses a member lowering another', async () => {
    const { meetingId, moderator, member, guest } = await meeting();
    await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    await ok(guest, 'hand:raise', { meeting_id: meetingId, raised: true });

    const refused = await fails(member, 'hand:lower', { meeting_id: meetingId, user_id: suite.cast.guest.id });
    assert.equal(refused.code, 'forbidden');

    // The refusal changed nothing: the next change anyone hears is the moderator's.
    const next = nextEvent(guest, 'meeting:hands');
    const reply = await ok(moderator, 'hand:lower', { meeting_id: meetingId, user_id: suite.cast.guest.id });
    assert.deepEqual(ids(reply.queue), [suite.cast.member.id]);
    assert.deepEqual(ids((await next).queue), [suite.cast.member.id]);
  });

  it('lets the owner lower a hand; lowering a hand that is not up tells nobody', async () => {
    const { meetingId, owner, member } = await meeting();
    await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    await noneBefore(member, 'meeting:hands', async () => {
      const reply = await ok(owner, 'hand:lower', { meeting_id: meetingId, user_id: suite.cast.guest.id });
      assert.deepEqual(ids(reply.queue), [suite.cast.member.id]);
      // Control: a real change arrives.
      const control = nextEvent(member, 'meeting:hands', (e) => e.queue.length === 0);
      await ok(owner, 'hand:lower', { meeting_id: meetingId, user_id: suite.cast.member.id });
      await control;
    }, (e) => e.queue.length === 1);
  });

  it('takes a person who leaves out of the queue, and the join reply carries the queue', async () => {
    const { meetingId, owner, member, guest } = await meeting();
    await ok(member, 'hand:raise', { meeting_id: meetingId, raised: true });
    await ok(guest, 'hand:raise', { meeting_id: meetingId, raised: true });
    const left = nextEvent(owner, 'meeting:hands', (e) => e.queue.length === 1);
    await ok(member, 'meeting:leave', { meeting_id: meetingId });
    assert.deepEqual(ids((await left).queue), [suite.cast.guest.id]);

    const back = await ok(member, 'meeting:join', { meeting_id: meetingId });
    assert.deepEqual(ids(back.hands), [suite.cast.guest.id]);
  });

  it('refuses a hand from someone not in the meeting', async () => {
    const { meetingId } = await meeting();
    const notetaker = await suite.sockets.connect(suite.cast.notetaker);
    assert.equal((await fails(notetaker, 'hand:raise', { meeting_id: meetingId, raised: true })).code, 'not_found');
    await ok(notetaker, 'meeting:join', { meeting_id: meetingId });
    await ok(notetaker, 'hand:raise', { meeting_id: meetingId, raised: true });
  });
});
