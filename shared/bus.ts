// The cross-node event bus: in-process on one node, Redis pub/sub across nodes.
// Every event a node must hear about (revocations, membership, notes) is typed here.
import type { ClubEventEnvelope } from './protocol/club-events.js';
import type { InboxItem } from './protocol/intelligence.js';
import type { RecordingProgress } from './protocol/recordings.js';

export interface BusEvents {
  /** Sessions ended: `sessionIds` null means every session of the user (logout-all, password reset). */
  'session.revoked': { userId: number; sessionIds: string[] | null; reason: string };
  /** Something changed in a club (membership, content); signaling relays it to the club's room. */
  'club.event': ClubEventEnvelope;
  /** An image job moved on; signaling pushes it to the project's owner live. */
  'project.progress': { projectId: number; ownerId: number; jobId: number; done: number; total: number; status: 'running' | 'completed' | 'failed' };
  /** A user's preferences changed; the SFU stops or starts tapping their microphone in meetings in progress. */
  'user.preferences': { userId: number; transcriptionOptOut: boolean };
  /** A new item in a member's inbox ("what you missed"); signaling pushes it to their sockets. */
  'inbox.item': { userId: number; item: InboxItem };
  /** A recording's transcription moved on; signaling pushes it to whoever uploaded it. */
  'recording.progress': { userId: number; progress: RecordingProgress };
}

export type BusTopic = keyof BusEvents;
export type BusHandler<T extends BusTopic> = (event: BusEvents[T]) => void;

export interface Bus {
  publish<T extends BusTopic>(topic: T, event: BusEvents[T]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe<T extends BusTopic>(topic: T, handler: BusHandler<T>): () => void;
  /** Resolves once every subscription made so far is live (Redis subscribes asynchronously). */
  ready(): Promise<void>;
  close(): Promise<void>;
}
