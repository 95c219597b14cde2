// What a feature module gets to plug into the signaling service: handlers for its client
// events, hooks on connect and disconnect, and the shared machinery (rooms, presence).
// Chat, knocks and presence are features like the meeting control channel will be:
//
//   signaling.use((hub) => {
//     hub.on('meeting:join', async (payload, client) => { …; return { … }; });
//     hub.onDisconnect((client) => …);
//   });
import type { Logger } from '../shared/logger.js';
import type { ClientEvent } from '../shared/protocol/signaling.js';
import type { ClientSession } from './client.js';
import type { ClubRooms } from './club-rooms.js';
import type { EventHandler, HandlerOptions } from './dispatch.js';
import type { Presence } from './presence/service.js';
import type { SignalingIo } from './types.js';

export interface SignalingHub {
  readonly io: SignalingIo;
  readonly clubRooms: ClubRooms;
  readonly presence: Presence;
  readonly logger: Logger;
  /** Answers one client event (validated against its schema in shared/protocol/signaling.ts). */
  on<E extends ClientEvent>(event: E, handler: EventHandler<E>, options?: HandlerOptions): void;
  /** Runs once a socket is connected and in its rooms; errors are logged. */
  onConnect(hook: (client: ClientSession) => Promise<void> | void): void;
  onDisconnect(hook: (client: ClientSession) => void): void;
  /** Tells the client its token expired and disconnects it (the timer a refresh re-arms calls this). */
  expire(client: ClientSession): void;
}

export type SignalingFeature = (hub: SignalingHub) => void;
