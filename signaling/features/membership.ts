// Following clubs and knocking: club:watch / club:unwatch, club:knock, membership:decide, and
// the knocks waiting for owners and moderators when they come online. Knocks and decisions
// go through the same service as REST, which publishes them on the bus; relay.ts delivers
// them live (membership:requested to moderators, membership:decided to the knocker).
import { AppError } from '../../shared/errors.js';
import { can } from '../../shared/permissions.js';
import type { ClientSession } from '../client.js';
import type { SignalingFeature } from '../hub.js';
import type { MembershipDesk } from '../ports.js';

const PENDING_SHOWN = 100;

export function membershipFeature(desk: MembershipDesk): SignalingFeature {
  return (hub) => {
    hub.on('club:watch', async ({ club_id }, client) => {
      const standing = await hub.clubRooms.standing(client, club_id);
      if (!standing) throw new AppError('not_found', 'Club not found');
      if (standing.status === 'banned') throw new AppError('banned', 'You are banned from this club');
      if (standing.role !== 'outsider') {
        hub.clubRooms.admit(client, club_id, standing.role);
        return { club_id, role: standing.role, room: 'club' as const };
      }
      if (!can(standing.role, 'presence.read', standing.club)) throw new AppError('forbidden', 'This club is private; knock to join it');
      if (!hub.clubRooms.watch(client, club_id)) throw new AppError('conflict', 'This connection follows too many clubs; unwatch some first');
      return { club_id, role: standing.role, room: 'watchers' as const };
    });

    hub.on('club:unwatch', async ({ club_id }, client) => {
      hub.clubRooms.unwatch(client, club_id);
      return { club_id };
    });

    hub.on('club:knock', async ({ club_id, message, password }, client) => {
      const standing = await hub.clubRooms.authorize(client, club_id, 'club.knock');
      const result = await desk.knock(club_id, client.userId, password === undefined ? { message } : { message, password }, client.socket.request);
      // A knocker follows a public club while waiting; a private one only tells them the decision.
      if (can(standing.role, 'presence.read', standing.club)) hub.clubRooms.watch(client, club_id);
      return result;
    });

    hub.on('membership:decide', async ({ club_id, knock_id, decision }, client) => {
      await hub.clubRooms.authorize(client, club_id, 'knock.decide');
      return { knock: await desk.decide(club_id, knock_id, client.userId, decision) };
    });

    hub.onConnect((client) => sendPendingKnocks(desk, client));
  };
}

/** Owners and moderators who come online see the knocks that waited for them. */
async function sendPendingKnocks(desk: MembershipDesk, client: ClientSession): Promise<void> {
  for (const [clubId, { role }] of client.roles) {
    if (!can(role, 'knock.list')) continue;
    const { items } = await desk.pendingKnocks(clubId, { limit: PENDING_SHOWN });
    if (items.length > 0 && client.connected) client.direct.emit('membership:pending', { club_id: clubId, knocks: items });
  }
}
