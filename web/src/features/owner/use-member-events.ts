// Keeps a screen's member lists true while it stays open: someone let in from the knock list
// (here or in the header's popover), a member who leaves, or a removal or ban made by another
// host changes who is in the club without this screen's own buttons. The club page already
// watches the club's room; this listens there, and loads again after a reconnect (what changed
// while away was not heard).
import { useClubEventsLive } from '../club/content-common.js';

export function useMemberEvents(clubId: number, onChange: () => void): void {
  useClubEventsLive(clubId, (event) => event.type.startsWith('member.'), onChange);
}
