// A client whose connection died without the server noticing yet (a Wi-Fi switch, a laptop
// lid: half-open) comes back on a new socket while the old one still looks connected. With the
// resume token of its last join reply it is the same client returning: the old socket is
// closed quietly, the peer keeps its media, hand and moderators' decisions, and the others see
// nothing. Without the token (another tab), or with an old one, the join takes the place over as
// before; another user's token proves nothing. The old socket is never disconnected by the test:
// a second socket is simply opened, as the server sees a half-open reconnect.
import assert from 'node:assert/strict';
import type { TestAccount } from '../../helpers/accounts.js';
import { MeetingSuite, socketBotHub } from '../../helpers/meeting-sockets.js';
import { intentFor, RtpBot, type BotHub } from '../../helpers/rtp-bots.js';
import { collect, disconnected, fails, nextEvent, ok, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';
import type { MeetingHub } from '../../../sfu/meeting-hub.js';

describe('meetings: a half-open reconnect resumes with the resume token', function () {
  this.timeout(60_000);
  const bots: RtpBot[] = [];
  afterEach(() => {
    for (const bot of bots.splice(0)) bot.close();
  });
  const suite = MeetingSuite.start();
  let hub: MeetingHub;
  before(() => {
    hub = suite.server.app.meetings!;
  });

  const peerOf = (meetingId: number, account: TestAccount) => hub.describe(meetingId)?.peers.find((p) => p.user_id === account.id);

  /** A bot whose signaling is `socket`, keeping the resume token its join reply carried. */
  const botOn = async (socket: TestSocket, meetingId: number, account: TestAccount) => {
    let token = '';
    const botHub: BotHub = {
      ...socketBotHub(socket, hub),
      join: async (intent) => {
        const reply = await ok(socket, 'meeting:join', { meeting_id: intent.meetingId });
        token = reply.resume_token;
        return reply;
      },
    };
    const bot = await RtpBot.join(botHub, intentFor(meetingId, account.id), { audio: true });
    bots.push(bot);
    return { bot, token };
  };

  /**
   * The owner and the member each send a microphone over plain RTP and receive the other's; the
   * member's hand is up and the owner muted her (the lock holds her microphone paused).
   */
  const inMeeting = async () => {
    const meetingId = await suite.newMeeting('Chapter 3');
    const ownerSocket = await suite.sockets.connect(suite.cast.owner);
    const owner = await botOn(ownerSocket, meetingId, suite.cast.owner);
    const memberSocket = await suite.sockets.connect(suite.cast.member);
    const member = await botOn(memberSocket, meetingId, suite.cast.member);
    const memberConsumers = await member.bot.consumeBots([owner.bot]);
    await owner.bot.consumeBots([member.bot]);
    await waitFor(() => member.bot.packetsFrom(owner.bot.producers.mic!) > 5 && owner.bot.packetsFrom(member.bot.producers.mic!) > 5, 'media both ways');
    await ok(memberSocket, 'hand:raise', { meeting_id: meetingId, raised: true });
    await ok(ownerSocket, 'peer:mute', { meeting_id: meetingId, user_id: suite.cast.member.id, muted: true });
    return { meetingId, ownerSocket, owner: owner.bot, ownerToken: owner.token, memberSocket, member: member.bot, memberToken: member.token, memberConsumers };
  };

  it('gives a returning client its peer back, quietly, when it presents its resume token', async () => {
    const m = await inMeeting();
    const memberMic = m.member.producers.mic!;
    const oldSocketHeard = collect(m.memberSocket, 'peer:left');
    const ownerHeard = { left: collect(m.ownerSocket, 'peer:left'), joined: collect(m.ownerSocket, 'peer:joined'), closed: collect(m.ownerSocket, 'producer:closed') };
    const oldSocketClosed = disconnected(m.memberSocket, 10_000);

    const second = await suite.sockets.connect(suite.cast.member);
    const back = await ok(second, 'meeting:join', { meeting_id: m.meetingId, rtp_capabilities: m.member.rtpCapabilities, resume_token: m.memberToken });

    assert.equal(back.resumed, true);
    assert.equal(back.recreate_transports, false);
    assert.deepEqual(back.transports.map((t) => `${t.direction}:${t.id}`).sort(), [`recv:${m.member.recvTransportId}`, `send:${m.member.sendTransportId}`]);
    assert.deepEqual(back.producers, [{ id: memberMic, user_id: suite.cast.member.id, kind: 'audio', source: 'mic', paused: true }], 'the microphone, paused by the lock');
    assert.deepEqual(back.consumers.map((c) => c.id), m.memberConsumers.map((c) => c.id), 'the consumers it had');
    assert.equal(back.rtp_capabilities_known, true);
    assert.deepEqual(back.self, { user_id: suite.cast.member.id, can_publish: true, mic_locked: true }, 'the lock held');
    assert.deepEqual(back.hands.map((h) => h.user_id), [suite.cast.member.id], 'her hand is still up');
    assert.match(back.resume_token, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(back.resume_token, m.memberToken, 'a new token with every join');

    // The old socket is closed, and it was never told it was replaced.
    assert.equal(await oldSocketClosed, 'io server disconnect');
    assert.deepEqual(oldSocketHeard, []);
    assert.equal(peerOf(m.meetingId, suite.cast.member)?.connected, true);

    // The new socket hears the peer's events and acts for it: the owner lifts the lock, the member unmutes over it.
    const allowed = nextEvent(second, 'producer:resume-allowed', (e) => e.producer_id === memberMic, 10_000);
    await ok(m.ownerSocket, 'peer:mute', { meeting_id: m.meetingId, user_id: suite.cast.member.id, muted: false });
    await allowed;
    await ok(second, 'producer:resume', { meeting_id: m.meetingId, producer_id: memberMic });
    // Media flows on the kept transports both ways.
    m.owner.resetCounts();
    m.member.resetCounts();
    await waitFor(() => m.owner.packetsFrom(memberMic) > 10 && m.member.packetsFrom(m.owner.producers.mic!) > 10, 'media both ways after the resume', 15_000);

    // Positive control for the owner: an event sent after the resume arrives; nothing about the member leaving or joining came before it.
    const lowered = nextEvent(m.ownerSocket, 'meeting:hands', (e) => e.queue.length === 0, 10_000);
    await ok(second, 'hand:raise', { meeting_id: m.meetingId, raised: false });
    await lowered;
    assert.deepEqual(ownerHeard.left, [], 'no peer:left for the member');
    assert.deepEqual(ownerHeard.joined, [], 'no peer:joined for the member');
    assert.deepEqual(ownerHeard.closed, [], 'none of her producers closed');
  });

  it('is another tab taking over when the join has no resume token, or an old one', async () => {
    const m = await inMeeting();
    const memberMic = m.member.producers.mic!;
    const replaced = nextEvent(m.memberSocket, 'peer:left', (e) => e.user_id === suite.cast.member.id && e.reason === 'replaced', 10_000);
    const micClosed = nextEvent(m.ownerSocket, 'producer:closed', (e) => e.producer_id === memberMic, 10_000);
    const secondTab = await suite.sockets.connect(suite.cast.member);
    const taken = await ok(secondTab, 'meeting:join', { meeting_id: m.meetingId });
    await replaced;
    await micClosed;
    assert.equal(taken.resumed, true);
    assert.equal(taken.recreate_transports, true);
    assert.deepEqual([taken.transports, taken.producers, taken.consumers], [[], [], []]);
    assert.equal(m.memberSocket.connected, true, 'the first tab stays connected');

    // The first tab's token was for the seat it lost: presenting it now is a takeover too.
    const replacedAgain = nextEvent(secondTab, 'peer:left', (e) => e.user_id === suite.cast.member.id && e.reason === 'replaced', 10_000);
    const third = await suite.sockets.connect(suite.cast.member);
    const takenAgain = await ok(third, 'meeting:join', { meeting_id: m.meetingId, resume_token: m.memberToken });
    await replacedAgain;
    assert.equal(takenAgain.recreate_transports, true);
    assert.equal(secondTab.connected, true);
  });

  it('lets nobody else use the token: another user presenting it joins as themselves, or takes over only their own place', async () => {
    const m = await inMeeting();
    const memberHeard = collect(m.memberSocket, 'peer:left');

    // The owner, seated on another socket, presents the member's token: her own second tab takes her own place over.
    const ownerReplaced = nextEvent(m.ownerSocket, 'peer:left', (e) => e.user_id === suite.cast.owner.id && e.reason === 'replaced', 10_000);
    const ownerMicClosed = nextEvent(m.memberSocket, 'producer:closed', (e) => e.producer_id === m.owner.producers.mic, 10_000);
    const ownerTab = await suite.sockets.connect(suite.cast.owner);
    const ownerTaken = await ok(ownerTab, 'meeting:join', { meeting_id: m.meetingId, resume_token: m.memberToken });
    await ownerReplaced;
    assert.equal(ownerTaken.self.user_id, suite.cast.owner.id);
    assert.equal(ownerTaken.recreate_transports, true);
    // Positive control on the member's socket: the owner's closed microphone reached it.
    await ownerMicClosed;

    // The moderator, not in the meeting, presents it: she joins as herself.
    const moderatorJoined = nextEvent(m.memberSocket, 'peer:joined', (e) => e.peer.user_id === suite.cast.moderator.id, 10_000);
    const moderator = await suite.sockets.connect(suite.cast.moderator);
    const joined = await ok(moderator, 'meeting:join', { meeting_id: m.meetingId, resume_token: m.memberToken });
    assert.equal(joined.self.user_id, suite.cast.moderator.id);
    assert.equal(joined.resumed, false);
    await moderatorJoined;

    // The member never heard she left, still holds her media, and her socket still speaks for her.
    assert.deepEqual(memberHeard, []);
    assert.equal(m.memberSocket.connected, true);
    assert.equal(peerOf(m.meetingId, suite.cast.member)?.transports, 2);
    await ok(m.memberSocket, 'hand:raise', { meeting_id: m.meetingId, raised: false });
    // A malformed token is refused with the usual validation answer.
    const refused = await fails(moderator, 'meeting:join', { meeting_id: m.meetingId, resume_token: 'not a token!' });
    assert.equal(refused.code, 'validation_failed');
  });
});
