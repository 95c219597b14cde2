// presence:list — who is online in a club right now (members may ask; anyone for a public club).
import type { SignalingFeature } from '../hub.js';

export function presenceFeature(): SignalingFeature {
  return (hub) => {
    hub.on('presence:list', async ({ club_id }, client) => {
      await hub.clubRooms.authorize(client, club_id, 'presence.read');
      return hub.presence.snapshot(club_id);
    });
  };
}
