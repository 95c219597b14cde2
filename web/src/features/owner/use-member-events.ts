// Keeps a screen's member lists true while it stays open: someone let in from the knock list
// (here or in the header's popover), a member who leaves, or a removal or ban made by another
// host changes who is in the club without this screen's own buttons. The club page already
// watches the club's room; this listens there, and loads again after a reconnect (what changed
// while away was not heard).
import { useEffect, useRef } from 'preact/hooks';
import type { ClubEventEnvelope } from '../../../../shared/protocol/club-events.js';
import { connectCount, getSocket } from '../../api/socket.js';

export function useMemberEvents(clubId: number, onChange: () => void): void {
  const latest = useRef(onChange);
  latest.current = onChange;
  const round = connectCount.value;
  const firstRound = useRef(round);
  useEffect(() => {
    if (round !== firstRound.current) latest.current();
  }, [round]);
  useEffect(() => {
    const socket = getSocket();
    const heard = (envelope: ClubEventEnvelope) => {
      if (envelope.club_id === clubId && envelope.event.type.startsWith('member.')) latest.current();
    };
    socket.on('club:event', heard);
    return () => {
      socket.off('club:event', heard);
    };
  }, [clubId]);
}
