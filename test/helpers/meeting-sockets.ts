// Meeting peers driven over Socket.IO, as a client would: join, produce, consume, resume and
// leave go through the socket; only the plain RTP transports (which no client event opens)
// come from the server's MeetingHub, so that bots can send and count real RTP.
import type { MeetingHub } from '../../sfu/meeting-hub.js';
import type { JoinReply } from '../../shared/protocol/meetings-media.js';
import type { JoinIntent } from '../../sfu/meeting-hub.js';
import { RtpBot, type BotHub, type BotOptions } from './rtp-bots.js';
import { ok, type TestSocket } from './sockets.js';

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
