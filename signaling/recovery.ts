// Connection state recovery, guarded. Socket.IO hands a resumed socket its old rooms and the
// packets it missed *before* the handshake middleware runs, so a client whose session was
// revoked, or who was removed from a club, while it was away would be sent what it may no
// longer read. The check is therefore made here, where the session is restored: a session
// that fails it is not resumed, and the client connects afresh (and reloads over REST).
import type { SignalingIo, SocketData } from './types.js';
import type { ClubRooms } from './club-rooms.js';
import type { SessionLiveness } from './ports.js';

type NamespaceAdapter = ReturnType<SignalingIo['of']>['adapter'];

export function guardRecovery(adapter: NamespaceAdapter, sessions: SessionLiveness, clubRooms: ClubRooms): void {
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const data = session.data as Partial<SocketData> | undefined;
    if (typeof data?.userId !== 'number' || typeof data.sessionId !== 'string') throw new Error('session without a user');
    await sessions.assertLive({ userId: data.userId, sessionId: data.sessionId, issuedAt: 0, expiresAt: 0 });
    if (!(await clubRooms.mayRestore(data.userId, session.rooms))) throw new Error('rooms no longer allowed');
    return session;
  };
}
