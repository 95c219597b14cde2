// What owners and moderators do to a member in a meeting. Who may do it is decided before
// (shared/permissions: meeting.moderate); here it is done, remembered for the rest of the
// meeting (a member who leaves and comes back stays muted), and announced.
import type { PeerRights } from '../shared/protocol/meetings-media.js';
import type { Meeting } from './meeting.js';
import type { Peer } from './peer.js';

type RightsReply = PeerRights & { user_id: number };

function announceRights(meeting: Meeting, target: Peer): RightsReply {
  meeting.restrict(target.userId, { micLocked: target.rights.mic_locked, canPublish: target.rights.can_publish });
  meeting.emit('peer:rights', meeting.everyone(), { meeting_id: meeting.id, user_id: target.userId, ...target.rights });
  return { user_id: target.userId, ...target.rights };
}

/** muted: pauses the member's microphone and locks it; false lifts the lock (the member unmutes). */
export async function muteMic(meeting: Meeting, target: Peer, muted: boolean): Promise<RightsReply> {
  const wasLocked = target.rights.mic_locked;
  target.setMicLocked(muted);
  const mic = target.producerFor('mic');
  if (muted && mic && !mic.producer.closed) {
    if (!mic.producer.paused) await mic.producer.pause();
    meeting.emit('producer:paused', meeting.everyone(), { meeting_id: meeting.id, producer_id: mic.producer.id, user_id: target.userId, by_moderator: true });
    // The server drops the audio, but the browser would keep encoding and uploading it: the member's client pauses its producer.
    meeting.emit('producer:pause-requested', [target.userId], { meeting_id: meeting.id, producer_id: mic.producer.id, reason: 'moderator' });
  }
  if (!muted && wasLocked && mic && !mic.producer.closed) {
    meeting.emit('producer:resume-allowed', [target.userId], { meeting_id: meeting.id, producer_id: mic.producer.id, reason: 'moderator' });
  }
  return announceRights(meeting, target);
}

/** Closes the member's camera (they may start it again). */
export function stopVideo(meeting: Meeting, target: Peer): string[] {
  const camera = target.producerFor('camera');
  if (!camera) return [];
  meeting.closeProducer(camera.producer, 'moderator');
  return [camera.producer.id];
}

/** allowed: false closes everything the member publishes and refuses new producers until allowed again. */
export function setPublishRight(meeting: Meeting, target: Peer, allowed: boolean): RightsReply {
  target.setCanPublish(allowed);
  if (!allowed) for (const { producer } of target.producers()) meeting.closeProducer(producer, 'publish_revoked');
  return announceRights(meeting, target);
}
