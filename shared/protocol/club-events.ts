// Domain events of a club. REST and Socket.IO handlers publish them on the bus ('club.event');
// the signaling service delivers them live to the club's room under the same names.
import type { ClubRole } from '../permissions.js';
import type { KnockResponse } from './clubs.js';
import type { NotesChangedEvent } from './notes.js';

export type ClubResource = 'notice' | 'rule' | 'goal' | 'reading_list' | 'schedule' | 'season' | 'dues' | 'post' | 'meeting' | 'book';

export type ClubEvent =
  | { type: 'club.updated'; fields: string[] }
  | { type: 'club.deleted' }
  | { type: 'club.ownership_transferred'; from_user_id: number; to_user_id: number }
  | { type: 'membership.requested'; knock: KnockResponse }
  | { type: 'membership.withdrawn'; knock_id: number; user_id: number }
  | { type: 'membership.decided'; knock: KnockResponse }
  | { type: 'member.joined'; user_id: number; role: ClubRole }
  | { type: 'member.role_changed'; user_id: number; role: ClubRole }
  | { type: 'member.left'; user_id: number }
  | { type: 'member.removed'; user_id: number }
  | { type: 'member.banned'; user_id: number }
  | { type: 'member.unbanned'; user_id: number }
  | { type: 'content.changed'; resource: ClubResource; action: 'created' | 'updated' | 'deleted'; id: number | null; data?: unknown }
  | NotesChangedEvent;

export type ClubEventType = ClubEvent['type'];

/** Events that take rights away from `user_id`: its sockets must drop the club at once. */
export const REVOKING_EVENTS: ReadonlySet<ClubEventType> = new Set(['member.removed', 'member.banned', 'member.left']);

export interface ClubEventEnvelope {
  club_id: number;
  actor_id: number | null;
  at: string;
  event: ClubEvent;
}
