// Who is online in a club: the snapshot from presence:list (asked again after every reconnect),
// then every presence:update, keeping the newest version only (updates may cross the list's answer).
import { useEffect, useState } from 'preact/hooks';
import type { PresenceSnapshot } from '../../../../shared/protocol/signaling.js';
import { call, connectCount, getSocket } from '../../api/socket.js';

export function usePresence(clubId: number, enabled: boolean): ReadonlySet<number> | null {
  const [snapshot, setSnapshot] = useState<PresenceSnapshot | null>(null);
  const round = connectCount.value;

  useEffect(() => {
    if (!enabled) return;
    const keepNewest = (next: PresenceSnapshot) => {
      if (next.club_id !== clubId) return;
      setSnapshot((current) => (current && current.club_id === clubId && current.version > next.version ? current : next));
    };
    const socket = getSocket();
    socket.on('presence:update', keepNewest);
    let live = true;
    call('presence:list', { club_id: clubId }).then(
      (reply) => live && keepNewest({ club_id: reply.club_id, online: reply.online, version: reply.version }),
      () => undefined,
    );
    return () => {
      live = false;
      socket.off('presence:update', keepNewest);
    };
  }, [clubId, enabled, round]);

  if (!snapshot || snapshot.club_id !== clubId) return null;
  return new Set(snapshot.online);
}
