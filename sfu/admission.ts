// Letting a person into a meeting's media: a seat under the caps (the club's size and the
// per-meeting limit), the rights a moderator left them with, and a join session in the record.
import { AppError } from '../shared/errors.js';
import type { MediaJoinIntent as JoinIntent, PeerRights } from '../shared/protocol/meetings-media.js';
import type { Meeting } from './meeting.js';
import { Peer } from './peer.js';

/** Who joins and with which standing: signaling decides it with the permission table. */
export type { MediaJoinIntent as JoinIntent } from '../shared/protocol/meetings-media.js';

/**
 * Takes a seat for the person (synchronously, after the last await, so that simultaneous joins
 * cannot overfill the meeting) and opens their join session. The peer is not announced yet.
 */
export async function admit(meeting: Meeting, intent: JoinIntent): Promise<Peer> {
  const { settings, recorder } = meeting.ctx;
  const generation = await meeting.settled();
  const slot = await meeting.routers.slotForPeer(settings.consumersPerRouter);
  if (meeting.closed || meeting.generation !== generation) throw new AppError('conflict', 'The meeting was reconnecting; join again');
  if (meeting.peer(intent.userId)) throw new AppError('conflict', 'You are joining this meeting already');
  const restriction = meeting.restrictionOf(intent.userId);
  if (restriction?.removed) throw new AppError('forbidden', 'A moderator removed you from this meeting', { reason: 'removed' });
  const limit = Math.min(intent.clubCapacity, settings.maxPeersPerMeeting);
  if (meeting.peerCount >= limit) throw new AppError('conflict', `This meeting is full (${limit} people)`, { reason: 'meeting_full', limit });
  const rights: PeerRights = { can_publish: restriction?.canPublish ?? intent.canPublish, mic_locked: restriction?.micLocked ?? false };
  const peer = new Peer(intent.userId, intent.clubId, slot, rights, { transcriptionOptOut: intent.transcriptionOptOut, rtpCapabilities: intent.rtpCapabilities });
  meeting.seat(peer);
  let sessionId: number;
  try {
    if (intent.mayStart) await recorder.start(meeting.id);
    sessionId = await recorder.participantJoined(meeting.id, peer.userId);
  } catch (err) {
    meeting.unseat(peer);
    throw err;
  }
  if (!meeting.seats(peer) || meeting.closed) {
    void recorder.participantLeft(sessionId).catch(() => undefined);
    throw new AppError('conflict', 'The meeting ended while you were joining');
  }
  peer.markJoined(sessionId);
  return peer;
}
