import type { MediaDelivery, MediaServerEvent, MediaServerPayloads } from '../../../shared/protocol/meetings-media.js';
import type { ServerToClientEvents } from '../../../shared/protocol/signaling.js';
import type { ClientSession } from '../../client.js';
import { can } from '../../../shared/permissions.js';
import type { MeetingSeats, Seat } from './seats.js';

function mayModerate(seat: Seat): boolean {
  const cached = seat.client.roles.get(seat.clubId);
  return cached !== undefined && can(cached.role, 'meeting.moderate');
}

/** Emits one meeting event to one socket, at once (not through the adapter's recovery stream). */
export function deliver<E extends MediaServerEvent>(client: ClientSession, event: E, payload: MediaServerPayloads[E]): void {
  client.direct.emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
}

/** Sends each SFU report to the seated sockets it names; a peer that is told it left loses its seat. */
export function route(seats: MeetingSeats, delivery: MediaDelivery): void {
  const meetingId = delivery.payload.meeting_id;
  // Talk-time balance is for those who run the meeting: the permission table decides who.
  const moderatorsOnly = delivery.event === 'meeting:participation';
  for (const userId of delivery.to) {
    const seat = seats.of(meetingId, userId);
    if (!seat) continue;
    if (moderatorsOnly && !mayModerate(seat)) continue;
    deliver(seat.client, delivery.event, delivery.payload);
    if (delivery.event === 'peer:left' && delivery.payload.user_id === userId) seats.release(meetingId, userId);
  }
  if (delivery.event === 'meeting:ended') seats.releaseMeeting(meetingId);
}
