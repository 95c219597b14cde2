// Connection state recovery, guarded. Socket.IO hands a resumed socket its old rooms and the
// packets it missed *before* the handshake middleware runs, so a client whose session was
// revoked, or who was removed from a club, while it was away would be sent what it may no
// longer read. The check is therefore made here, where the session is restored: a session
// that fails it is not resumed, and the client connects afresh (and reloads over REST).
//
// The check reads the database, and whatever is broadcast meanwhile reaches the rooms before
// the socket is back in them. So once it passes, the session is put back and restored again
// from the last packet read: the adapter catches up to the end of its log, and the socket
// joins its rooms right after, with nothing in between.
import type { SignalingIo, SocketData } from './types.js';
import type { ClubRooms } from './club-rooms.js';
import type { SessionLiveness } from './ports.js';

type NamespaceAdapter = ReturnType<SignalingIo['of']>['adapter'];
type RestoredSession = NonNullable<Awaited<ReturnType<NamespaceAdapter['restoreSession']>>>;

/** Each missed packet carries its offset as its last argument. */
function lastOffset(session: RestoredSession, fallback: string): string {
  const last = session.missedPackets.at(-1);
  const offset = last?.at(-1);
  return typeof offset === 'string' ? offset : fallback;
}

export function guardRecovery(adapter: NamespaceAdapter, sessions: SessionLiveness, clubRooms: ClubRooms): void {
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const data = session.data as Partial<SocketData> | undefined;
    if (typeof data?.userId !== 'number' || typeof data.sessionId !== 'string') throw new Error('session without a user');
    await sessions.assertLive({ userId: data.userId, sessionId: data.sessionId, issuedAt: 0, expiresAt: 0 });
    if (!(await clubRooms.mayRestore(data.userId, session.rooms))) throw new Error('rooms no longer allowed');
    const { missedPackets, ...kept } = session;
    // Synchronous in both adapters (Redis: the SET is queued before the GETDEL below, in order).
    adapter.persistSession(kept);
    const later = await restore(pid, lastOffset(session, offset));
    // Without the catch-up the client would silently miss messages: it connects afresh instead.
    if (!later) throw new Error('session lost while checking it');
    return { ...later, missedPackets: [...missedPackets, ...later.missedPackets] };
  };
}
