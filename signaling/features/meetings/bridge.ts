// Bus events that change meetings in progress: a member leaving the club loses their media at
// once, a meeting ended or cancelled over REST (on any node) ends here, a deleted club's
// meetings end, a changed transcription preference (a member's, a meeting's or the club's
// default) opens or closes taps and is told to everyone in the meeting, and an
// ended login session takes its dropped peers out.
// Every node hears every event and acts on the meetings it hosts.
import type { Bus } from '../../../shared/bus.js';
import type { Logger } from '../../../shared/logger.js';
import type { MeetingMedia } from '../../ports.js';

const OVER = new Set(['ended', 'cancelled']);

function statusOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('status' in data)) return undefined;
  return typeof data.status === 'string' ? data.status : undefined;
}

export function bridgeBusToMedia(bus: Bus, media: MeetingMedia, logger: Logger): () => void {
  const offClub = bus.subscribe('club.event', ({ club_id: clubId, event }) => {
    switch (event.type) {
      case 'member.removed':
      case 'member.banned':
      case 'member.left':
        media.removeFromClub(clubId, event.user_id);
        break;
      case 'club.deleted':
        media.endClubMeetings(clubId);
        break;
      case 'content.changed': {
        const status = statusOf(event.data);
        if (event.resource !== 'meeting' || event.id === null || !status || !media.hosts(event.id)) break;
        const meetingId = event.id;
        if (OVER.has(status)) media.endMeeting(meetingId, { record: false }).catch((err: unknown) => logger.warn({ err, meetingId }, 'could not end a meeting'));
        else media.refreshTranscription({ meetingId }).catch((err: unknown) => logger.warn({ err, meetingId }, 'could not follow a transcription change'));
        break;
      }
      case 'club.updated':
        if (event.fields.includes('transcription_default')) {
          media.refreshTranscription({ clubId }).catch((err: unknown) => logger.warn({ err, clubId }, 'could not follow a transcription change'));
        }
        break;
      default:
        break;
    }
  });
  const offPreferences = bus.subscribe('user.preferences', ({ userId, transcriptionOptOut }) => media.setTranscriptionOptOut(userId, transcriptionOptOut));
  // Sockets of a revoked session are closed by signaling (and their peers leave); peers whose socket had dropped already go too.
  const offRevoked = bus.subscribe('session.revoked', ({ userId }) => media.dropDisconnected(userId));
  return () => {
    offClub();
    offPreferences();
    offRevoked();
  };
}
