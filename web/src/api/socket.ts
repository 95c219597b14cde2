// The one Socket.IO connection of a signed-in tab, typed by shared/protocol/signaling.ts.
// It follows the session: connects on login, sends `auth:refresh` when the access token is
// renewed, reconnects with a fresh token when the server turns it away, and closes on logout.
import { signal } from '@preact/signals';
import { io, type Socket } from 'socket.io-client';
import type { ClientEvent, ClientInput, ClientReplies, ClientToServerEvents, ServerToClientEvents, SignalingError, Ack } from '../../../shared/protocol/signaling.js';
import { ApiError, isAuthError } from './errors.js';
import { currentAccess, endSession, refreshAccess, session } from './session.js';

export type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the connection banner shows. `online` after the first connect; `reconnecting` after a drop. */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';
export const connection = signal<ConnectionState>(navigator.onLine ? 'idle' : 'offline');
/** Grows with every (re)connect: lists reload their newest page when it changes. */
export const connectCount = signal(0);

const ACK_TIMEOUT_MS = 15_000;
let socket: TypedSocket | null = null;
let sentToken: string | null = null;

function create(): TypedSocket {
  const created: TypedSocket = io({
    path: '/socket.io/',
    transports: ['websocket'],
    // Read at every (re)connect, so a reconnect presents the newest token.
    auth: (cb) => cb({ token: currentAccess() ?? '' }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  created.on('connect', () => {
    sentToken = currentAccess();
    connection.value = 'online';
    connectCount.value += 1;
  });
  created.on('disconnect', (reason) => {
    if (!session.value) return;
    connection.value = navigator.onLine ? 'reconnecting' : 'offline';
    // The server closed us (expired token, revoked session): Socket.IO does not retry those.
    if (reason === 'io server disconnect') void reconnectWithFreshToken();
  });
  created.on('connect_error', (err: Error & { data?: SignalingError }) => {
    connection.value = navigator.onLine ? 'reconnecting' : 'offline';
    const code = err.data?.code;
    if (code && isAuthError(code)) void reconnectWithFreshToken();
    else if (!created.active) setTimeout(() => session.value && created.connect(), 2_000);
  });
  created.on('auth:expired', () => void reconnectWithFreshToken());
  created.on('auth:revoked', () => endSession('token_revoked'));
  return created;
}

async function reconnectWithFreshToken(): Promise<void> {
  try {
    const fresh = await refreshAccess(sentToken);
    if (fresh && socket && !socket.connected) socket.connect();
  } catch {
    // Network trouble: try again shortly.
    setTimeout(() => void reconnectWithFreshToken(), 3_000);
  }
}

/** The tab's socket (created on first use while signed in). */
export function getSocket(): TypedSocket {
  if (!socket) {
    socket = create();
    connection.value = 'connecting';
  }
  return socket;
}

session.subscribe((current) => {
  if (!current) {
    socket?.disconnect();
    socket = null;
    sentToken = null;
    connection.value = navigator.onLine ? 'idle' : 'offline';
    return;
  }
  // Renewed in this tab or another: tell the live connection, which would otherwise expire.
  if (socket?.connected && current.access !== sentToken) {
    sentToken = current.access;
    socket.emit('auth:refresh', { token: current.access }, (reply) => {
      if (!reply.ok && isAuthError(reply.error.code)) void reconnectWithFreshToken();
    });
  }
});

window.addEventListener('offline', () => {
  if (session.value) connection.value = 'offline';
});
window.addEventListener('online', () => {
  if (session.value && socket && !socket.connected) {
    connection.value = 'reconnecting';
    socket.connect();
  }
});

/** Sends a client event and waits for its ack; a refusal or a timeout throws ApiError. */
export async function call<E extends ClientEvent>(event: E, payload: ClientInput<E>, timeoutMs = ACK_TIMEOUT_MS): Promise<ClientReplies[E]> {
  const target = getSocket();
  // socket.io's typed emit cannot follow a generic event name; the maps above keep it honest.
  const emitter = target.timeout(timeoutMs) as unknown as { emitWithAck: (event: string, payload: unknown) => Promise<Ack<ClientReplies[E]>> };
  let reply: Ack<ClientReplies[E]>;
  try {
    reply = await emitter.emitWithAck(event, payload);
  } catch {
    throw new ApiError(target.connected ? 'timeout' : 'network', `${event}: no answer`);
  }
  if (!reply.ok) {
    const details = reply.error.details as { retry_after?: number } | undefined;
    throw new ApiError(reply.error.code, reply.error.message, 0, reply.error.details, details?.retry_after);
  }
  return reply;
}
