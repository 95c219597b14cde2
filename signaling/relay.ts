// Bus events → sockets: revocations, club events, image and recording job progress, inbox items. The bus delivers
// every event on every node, so each node acts on its own sockets only and emits with
// `io.local`: one bus message, no second fan-out through the Socket.IO adapter, and a socket
// still in its handshake is covered too (its cached state is updated; it joins its rooms at
// connect).
import type { Bus } from '../shared/bus.js';
import type { Logger } from '../shared/logger.js';
import type { Action } from '../shared/permissions.js';
import type { ClubEvent, ClubEventEnvelope, ClubResource } from '../shared/protocol/club-events.js';
import type { ClubExitReason } from '../shared/protocol/signaling.js';
import type { ClientSession } from './client.js';
import type { ClientIndex } from './client-index.js';
import type { ClubRooms } from './club-rooms.js';
import { audience, rooms } from './rooms.js';
import type { SignalingIo } from './types.js';

export interface RelayDeps {
  bus: Bus;
  io: SignalingIo;
  clients: ClientIndex;
  clubRooms: ClubRooms;
  logger: Logger;
}

const EXIT_REASONS: Record<string, ClubExitReason> = { 'member.removed': 'removed', 'member.banned': 'banned', 'member.left': 'left' };

// Who may read a club event is what may read its subject, by the permission table.
const CONTENT_READ: Partial<Record<ClubResource, Action>> = { post: 'post.read', meeting: 'meeting.read', dues: 'dues.read_own' };

function readAction(event: ClubEvent): Action {
  if (event.type === 'content.changed') return CONTENT_READ[event.resource] ?? 'content.read';
  // Notes are not public, even in a public club: members and guests, never watchers.
  if (event.type === 'notes.changed') return 'notes.read';
  if (event.type.startsWith('member.')) return 'member.list';
  if (event.type.startsWith('membership.')) return 'knock.list';
  return 'club.read';
}

/** Tells the client why and closes it; a socket still in its handshake is refused instead. */
export function revoke(client: ClientSession, reason: string): void {
  client.revokedReason = reason;
  if (!client.connected) return;
  client.direct.emit('auth:revoked', { reason });
  client.socket.disconnect(true);
}

export function relayBusEvents(deps: RelayDeps): () => void {
  const { bus, clients } = deps;
  const offRevoked = bus.subscribe('session.revoked', ({ userId, sessionIds, reason }) => {
    for (const client of clients.ofUser(userId)) if (!sessionIds || sessionIds.includes(client.sessionId)) revoke(client, reason);
  });
  const offClub = bus.subscribe('club.event', (envelope) => {
    try {
      relayClubEvent(deps, envelope);
    } catch (err) {
      deps.logger.error({ err, type: envelope.event.type }, 'could not relay a club event');
    }
  });
  const offProgress = bus.subscribe('project.progress', ({ projectId, ownerId, jobId, done, total, status }) => {
    deps.io.local.to(rooms.user(ownerId)).emit('project:progress', { project_id: projectId, job_id: jobId, done, total, status });
  });
  const offInbox = bus.subscribe('inbox.item', ({ userId, item }) => {
    deps.io.local.to(rooms.user(userId)).emit('inbox:item', item);
  });
  const offRecording = bus.subscribe('recording.progress', ({ userId, progress }) => {
    deps.io.local.to(rooms.user(userId)).emit('recording:progress', progress);
  });
  return () => {
    offRecording();
    offRevoked();
    offClub();
    offProgress();
    offInbox();
  };
}

function relayClubEvent({ io, clients, clubRooms }: RelayDeps, envelope: ClubEventEnvelope): void {
  const { club_id: clubId, event } = envelope;
  const local = io.local;
  switch (event.type) {
    case 'member.joined':
      for (const client of clients.ofUser(event.user_id)) {
        clubRooms.admit(client, clubId, event.role);
        client.direct.emit('member:joined', { club_id: clubId, role: event.role });
      }
      break;
    case 'member.role_changed':
      for (const client of clients.ofUser(event.user_id)) {
        clubRooms.admit(client, clubId, event.role);
        client.direct.emit('member:role_changed', { club_id: clubId, role: event.role });
      }
      break;
    case 'member.removed':
    case 'member.banned':
    case 'member.left': {
      const reason = EXIT_REASONS[event.type] ?? 'removed';
      for (const client of clients.ofUser(event.user_id)) {
        clubRooms.expel(client, clubId, { unfollow: reason === 'banned' });
        client.direct.emit('member:removed', { club_id: clubId, reason });
      }
      break;
    }
    case 'membership.requested':
      local.to(rooms.moderators(clubId)).emit('membership:requested', { club_id: clubId, knock: event.knock });
      break;
    case 'membership.decided': {
      const { knock } = event;
      for (const client of clients.ofUser(knock.user.id)) {
        // Into the room first, so that the decision finds the client able to chat at once.
        if (knock.status === 'admitted_member') clubRooms.admit(client, clubId, 'member');
        if (knock.status === 'admitted_once') clubRooms.admit(client, clubId, 'guest');
        client.direct.emit('membership:decided', { club_id: clubId, knock });
      }
      break;
    }
    case 'club.deleted':
      local.to(audience(clubId, 'club.read')).emit('club:event', envelope);
      for (const client of clients.all()) {
        if (!client.roles.has(clubId) && !client.watching.has(clubId)) continue;
        clubRooms.expel(client, clubId, { unfollow: true });
        client.direct.emit('member:removed', { club_id: clubId, reason: 'club_deleted' });
      }
      return;
    default:
      break;
  }
  const action = readAction(event);
  // Knocks are the moderators' business; the rest goes to whoever may read its subject.
  local.to(action === 'knock.list' ? [rooms.moderators(clubId)] : audience(clubId, action)).emit('club:event', envelope);
  // Watchers follow public clubs only: when the visibility changes they stop (and may watch again).
  if (event.type === 'club.updated' && event.fields.includes('visibility')) {
    for (const client of clients.all()) if (client.watching.has(clubId)) clubRooms.unwatch(client, clubId);
  }
}
