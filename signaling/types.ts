// The Socket.IO types of the service.
import type { Server, Socket } from 'socket.io';
import type { ServerToClientEvents } from '../shared/protocol/signaling.js';

/** Kept with the socket (and with its recoverable session): who it belongs to. */
export interface SocketData {
  userId: number;
  sessionId: string;
}

/**
 * What clients send is untrusted: listeners take unknown arguments and validate them against
 * the schemas of shared/protocol/signaling.ts (see dispatch.ts).
 */
export type IncomingEvents = Record<string, (...args: unknown[]) => void>;
type InterServerEvents = Record<string, never>;

export type SignalingIo = Server<IncomingEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingSocket = Socket<IncomingEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SignalingLimits {
  /** Events per second per socket, any kind (bursts of twice that); 0 = no limit. */
  eventsPerSecond: number;
  /** chat:send per minute per socket; 0 = no limit. */
  chatPerMinute: number;
  /** Largest message a client may send (Socket.IO's maxHttpBufferSize). */
  maxMessageBytes: number;
  /** How long a dropped connection can be resumed with the packets it missed; 0 = off. */
  recoveryMs: number;
  /** A node that has not refreshed its presence heartbeat for this long counts as gone. */
  presenceTtlMs: number;
  /**
   * Sockets one user may hold on this node; 0 = no limit. Limits are per socket, so without
   * this a user multiplies their rates (and their presence writes) by opening more.
   */
  maxSocketsPerUser: number;
}
