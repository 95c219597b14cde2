import type { MediaServerEvent, MediaServerPayloads } from '../../../shared/protocol/meetings-media.js';
import type { ServerToClientEvents } from '../../../shared/protocol/signaling.js';
import type { ClientSession } from '../../client.js';

/** Emits one meeting event to one socket, at once (not through the adapter's recovery stream). */
export function deliver<E extends MediaServerEvent>(client: ClientSession, event: E, payload: MediaServerPayloads[E]): void {
  client.direct.emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
}
