// Socket.IO room names. Rooms span nodes through the adapter: emitting to `club:7` reaches
// every socket in that room on every node.
import { can, type Action, type Role } from '../shared/permissions.js';

export const rooms = {
  /** Every socket of one user (their tabs and devices). */
  user: (userId: number) => `user:${userId}`,
  /** Members of a club (any club role). */
  club: (clubId: number) => `club:${clubId}`,
  /** Guests of a club (admitted once): they chat, and see what guests may. */
  guests: (clubId: number) => `guests:${clubId}`,
  /** Outsiders following a public club (club:watch, knockers): what the public may see. */
  watchers: (clubId: number) => `watch:${clubId}`,
  /** Owners and moderators of a club: knocks waiting for a decision. */
  moderators: (clubId: number) => `mods:${clubId}`,
};

export type ClubRoomKind = 'club' | 'guests' | 'watch' | 'mods';

/** The club a room belongs to, if it is one of the per-club rooms above. */
export function parseClubRoom(room: string): { kind: ClubRoomKind; clubId: number } | null {
  const match = /^(club|guests|watch|mods):(\d{1,10})$/.exec(room);
  if (!match) return null;
  return { kind: match[1] as ClubRoomKind, clubId: Number(match[2]) };
}

/** The room a member or a guest of the club is in. */
export function roomFor(clubId: number, role: Role): string {
  return role === 'guest' ? rooms.guests(clubId) : rooms.club(clubId);
}

/** Whoever takes part in the club's chat (members and guests). */
export function participants(clubId: number): string[] {
  return [rooms.club(clubId), rooms.guests(clubId)];
}

/**
 * The rooms allowed to see something guarded by `action`, by the permission table: members
 * always, guests if guests may, watchers (outsiders of a public club) if the public may.
 */
export function audience(clubId: number, action: Action): string[] {
  const audience = [rooms.club(clubId)];
  if (can('guest', action)) audience.push(rooms.guests(clubId));
  if (can('outsider', action, { visibility: 'public' })) audience.push(rooms.watchers(clubId));
  return audience;
}
