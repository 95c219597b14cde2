// The Socket.IO handshake: origin, access token, live session, then the user's clubs. A
// refusal reaches the client as connect_error with `data: {code, message}` (token_missing,
// token_expired, token_revoked, forbidden for a foreign origin, …), and Socket.IO does not
// retry it on its own.
import { originAllowed } from '../shared/origins.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { ClientSession } from './client.js';
import type { ClientIndex } from './client-index.js';
import type { ClubRooms } from './club-rooms.js';
import { handshakeError, toSignalingError } from './errors.js';
import type { AccessTokens, SessionLiveness } from './ports.js';
import type { SignalingLimits, SignalingSocket } from './types.js';

export interface HandshakeDeps {
  tokens: AccessTokens;
  sessions: SessionLiveness;
  clients: ClientIndex;
  clubRooms: ClubRooms;
  allowedOrigins: string[];
  limits: SignalingLimits;
  logger: Logger;
  /** Refills each socket's rate buckets. */
  clock?: Clock;
  isClosing(): boolean;
}

export function handshake(deps: HandshakeDeps) {
  return (socket: SignalingSocket, next: (err?: Error) => void): void => {
    authenticate(socket, deps).then(
      () => next(),
      (err: unknown) => next(handshakeError(toSignalingError(err, deps.logger, { during: 'handshake' }))),
    );
  };
}

async function authenticate(socket: SignalingSocket, deps: HandshakeDeps): Promise<void> {
  if (deps.isClosing()) throw new AppError('not_ready', 'This server is shutting down; connect again in a moment');
  // Browsers always send Origin on cross-site WebSocket and XHR requests; other clients may not.
  const origin = socket.handshake.headers.origin;
  if (!originAllowed(origin, socket.handshake.headers.host, deps.allowedOrigins)) throw new AppError('forbidden', `Origin ${String(origin).slice(0, 100)} is not allowed`);
  const token: unknown = (socket.handshake.auth as { token?: unknown }).token;
  if (typeof token !== 'string' || token.length === 0) throw new AppError('token_missing', 'Connect with auth: {token: <access token>}');
  const claims = await deps.tokens.verifyAccess(token);
  if (socket.recovered && socket.data.userId !== claims.userId) throw new AppError('forbidden', 'This connection belongs to another user');
  const cap = deps.limits.maxSocketsPerUser;
  // Checked and listed in one synchronous step, so a burst of handshakes cannot all pass.
  if (cap > 0 && deps.clients.ofUser(claims.userId).length >= cap) {
    throw new AppError('rate_limited', `At most ${cap} connections per person; close another tab or device first`, { retry_after: 5 });
  }
  const client = new ClientSession(socket, claims, deps.limits, deps.clock);
  // Listed before the slow checks, so a revocation or club event arriving meanwhile reaches it.
  deps.clients.add(client);
  try {
    await deps.sessions.assertLive(claims);
    await deps.clubRooms.load(client);
    if (client.revokedReason) throw new AppError('token_revoked', 'Session has been revoked');
    // The client may have gone while we waited: Socket.IO then drops the socket without a disconnect event.
    if (socket.conn.readyState !== 'open') throw new AppError('bad_request', 'Connection closed during the handshake');
  } catch (err) {
    deps.clients.remove(client);
    throw err;
  }
  socket.data = { userId: claims.userId, sessionId: claims.sessionId };
}
