// Meeting peers driven over Socket.IO, as a client would: join, produce, consume, resume and
// leave go through the socket; only the plain RTP transports (which no client event opens)
// come from the server's MeetingHub, so that bots can send and count real RTP. MeetingSuite is
// the server, club and sockets that meeting suites over real sockets share.
import assert from 'node:assert/strict';
import type { MeetingHub } from '../../sfu/meeting-hub.js';
import type { JoinReply } from '../../shared/protocol/meetings-media.js';
import type { ClientReplies } from '../../shared/protocol/signaling.js';
import type { JoinIntent } from '../../sfu/meeting-hub.js';
import { clubWithCast, type ClubCast } from './clubs.js';
import { RtpBot, type BotHub, type BotOptions } from './rtp-bots.js';
import { startTestServer, type TestServer } from './server.js';
import { ok, OpenSockets, type TestSocket } from './sockets.js';

/** Answers the bot's calls through `socket`, except the plain transports. */
export function socketBotHub(socket: TestSocket, hub: MeetingHub): BotHub {
  return {
    join: async (intent: JoinIntent): Promise<JoinReply> => ok(socket, 'meeting:join', { meeting_id: intent.meetingId }),
    createPlainTransport: (userId, meetingId, direction) => hub.createPlainTransport(userId, meetingId, direction),
    connectPlainTransport: (userId, meetingId, transportId, remote) => hub.connectPlainTransport(userId, meetingId, transportId, remote),
    produce: (_userId, p) => ok(socket, 'produce', p),
    consume: (_userId, p) => ok(socket, 'consume', p),
    resumeConsumer: (_userId, p) => ok(socket, 'consumer:resume', p),
  };
}

/** A bot peer whose signaling is a real socket. */
export function joinOverSocket(socket: TestSocket, hub: MeetingHub, meetingId: number, userId: number, options: BotOptions = {}): Promise<RtpBot> {
  const intent: JoinIntent = { meetingId, clubId: 0, userId, clubCapacity: 0, canPublish: true, mayStart: false, transcriptionOptOut: false };
  return RtpBot.join(socketBotHub(socket, hub), intent, options);
}

/** What a browser's mediasoup-client would send for a DTLS connect (the SFU checks the shape). */
export const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256', value: 'AB:'.repeat(31) + 'AB' }],
};

/** Everyone of a club's cast but the club itself. */
export type CastRole = Exclude<keyof ClubCast, 'clubId'>;

/** A live meeting of the suite's club: the socket of each person who joined it (by role) and their join replies. */
export type JoinedMeeting<R extends CastRole> = Record<R, TestSocket> & {
  meetingId: number;
  replies: Record<R, ClientReplies['meeting:join']>;
};

/**
 * One server with one mediasoup worker for a suite, a new club with one person in each role for
 * every test, and each socket a test opens closed after it. Call inside describe(): it adds the hooks.
 */
export class MeetingSuite {
  server!: TestServer;
  cast!: ClubCast;
  readonly sockets = new OpenSockets(() => this.server.url);

  static start(env: Record<string, string> = {}): MeetingSuite {
    const suite = new MeetingSuite();
    before(async () => {
      suite.server = await startTestServer({ env: { SFU_WORKERS: '1', ...env } });
    });
    beforeEach(async () => {
      suite.cast = await clubWithCast(suite.server.http);
    });
    afterEach(() => suite.sockets.closeAll());
    after(async () => {
      await suite.server?.close();
    });
    return suite;
  }

  /** A new meeting of the club, made by its owner. */
  async newMeeting(title = 'Chapter 9'): Promise<number> {
    const res = await this.server.http.post(`/api/clubs/${this.cast.clubId}/meetings`, { title }, this.cast.owner.access);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  }

  /** A new meeting that `who` joined: each connects a socket (in this order), then each joins (in this order). */
  async joined<R extends CastRole>(...who: R[]): Promise<JoinedMeeting<R>> {
    const meetingId = await this.newMeeting();
    const sockets = {} as Record<R, TestSocket>;
    const replies = {} as Record<R, ClientReplies['meeting:join']>;
    for (const role of who) sockets[role] = await this.sockets.connect(this.cast[role]);
    for (const role of who) replies[role] = await ok(sockets[role], 'meeting:join', { meeting_id: meetingId });
    return { ...sockets, meetingId, replies };
  }
}
