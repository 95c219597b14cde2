// Which club rooms a socket is in, and with which rights. The role cached per club is what
// handlers check first; club events (relay.ts) keep it current on every node, and an entry
// older than ROLE_CACHE_MS is read again from the database in case an event was lost.
import { AppError } from '../shared/errors.js';
import { can, type Action, type Role } from '../shared/permissions.js';
import type { ClientSession } from './client.js';
import type { ClubDirectory, ClubStanding } from './ports.js';
import type { Presence } from './presence/service.js';
import { parseClubRoom, roomFor, rooms } from './rooms.js';

export const ROLE_CACHE_MS = 60_000;
const MAX_WATCHED = 50;

/** Roles that put a socket in one of the club's rooms (members, and guests in theirs). */
const inClub = (role: Role) => role !== 'outsider';
/** Roles that put a socket in the moderators' room (knocks). */
const moderates = (role: Role) => can(role, 'knock.decide');

export type Standing = Pick<ClubStanding, 'role' | 'status'> & { club?: ClubStanding['club'] };

export class ClubRooms {
  private readonly roleLostListeners: Array<(client: ClientSession, clubId: number) => void> = [];

  constructor(
    private readonly directory: ClubDirectory,
    private readonly presence: Presence,
  ) {}

  /** During the handshake: the user's clubs, and for a resumed socket the rooms it got back. */
  async load(client: ClientSession): Promise<void> {
    client.beginSync();
    client.finishSync(await this.directory.clubsOf(client.userId));
    if (!client.socket.recovered) return;
    for (const room of client.socket.rooms) {
      const parsed = parseClubRoom(room);
      if (!parsed || client.roles.has(parsed.clubId)) continue;
      const standing = await this.directory.resolve(parsed.clubId, client.userId);
      if (!standing || standing.status === 'banned') continue;
      if (standing.role === 'guest') client.setRole(parsed.clubId, 'guest');
      else if (parsed.kind === 'watch' && can(standing.role, 'presence.read', standing.club)) client.watching.add(parsed.clubId);
    }
  }

  /** Whether a dropped socket may get its rooms (and the packets sent to them) back. */
  async mayRestore(userId: number, restoredRooms: string[]): Promise<boolean> {
    const clubs = new Map((await this.directory.clubsOf(userId)).map((c) => [c.clubId, c.role]));
    for (const room of restoredRooms) {
      const parsed = parseClubRoom(room);
      if (!parsed) continue;
      const memberRole = clubs.get(parsed.clubId);
      if (memberRole) {
        if (parsed.kind === 'mods' && !moderates(memberRole)) return false;
        continue;
      }
      const standing = await this.directory.resolve(parsed.clubId, userId);
      if (!standing || standing.status === 'banned') return false;
      const allowed = {
        club: false, // members are in clubsOf
        guests: standing.role === 'guest',
        mods: moderates(standing.role),
        watch: can(standing.role, 'presence.read', standing.club),
      }[parsed.kind];
      if (!allowed) return false;
    }
    return true;
  }

  /** At connect: puts the socket in exactly the rooms its roles and follows call for. */
  syncRooms(client: ClientSession): void {
    const wanted = new Set([client.id, rooms.user(client.userId)]);
    for (const [clubId, { role }] of client.roles) {
      wanted.add(roomFor(clubId, role));
      if (moderates(role)) wanted.add(rooms.moderators(clubId));
    }
    for (const clubId of client.watching) wanted.add(rooms.watchers(clubId));
    for (const room of client.socket.rooms) if (!wanted.has(room)) void client.socket.leave(room);
    void client.socket.join([...wanted]);
    void this.presence.enter(client, [...client.roles.keys()]);
  }

  /** The socket gains a club (joined, admitted, or a guest pass): its room, its rights, presence. */
  admit(client: ClientSession, clubId: number, role: Role): void {
    if (!inClub(role)) return;
    client.setRole(clubId, role);
    client.watching.delete(clubId);
    if (!client.connected) return; // syncRooms() joins at connect
    const room = roomFor(clubId, role);
    for (const other of [rooms.watchers(clubId), rooms.club(clubId), rooms.guests(clubId)]) if (other !== room) void client.socket.leave(other);
    void client.socket.join(room);
    if (moderates(role)) void client.socket.join(rooms.moderators(clubId));
    else void client.socket.leave(rooms.moderators(clubId));
    void this.presence.enter(client, [clubId]);
  }

  /** The socket loses a club at once: no more room, no more rights there. */
  expel(client: ClientSession, clubId: number, options: { unfollow: boolean }): void {
    client.dropRole(clubId);
    if (options.unfollow) client.watching.delete(clubId);
    if (!client.connected) return;
    void client.socket.leave(rooms.club(clubId));
    void client.socket.leave(rooms.guests(clubId));
    void client.socket.leave(rooms.moderators(clubId));
    if (options.unfollow) void client.socket.leave(rooms.watchers(clubId));
    void this.presence.leave(client, [clubId]);
  }

  /** Follows a public club; false when the socket already follows as many as it may. */
  watch(client: ClientSession, clubId: number): boolean {
    if (!client.watching.has(clubId) && client.watching.size >= MAX_WATCHED) return false;
    client.watching.add(clubId);
    if (client.connected) void client.socket.join(rooms.watchers(clubId));
    return true;
  }

  unwatch(client: ClientSession, clubId: number): void {
    client.watching.delete(clubId);
    void client.socket.leave(rooms.watchers(clubId));
    // A guest follows the club through its room; members stay in theirs.
    if (client.roles.get(clubId)?.role === 'guest') this.expel(client, clubId, { unfollow: true });
  }

  /**
   * Hears when a re-read finds that the user no longer belongs to a club with no event having
   * said so (a guest pass that ran out, an event lost): what they had there must end too.
   */
  onRoleLost(listener: (client: ClientSession, clubId: number) => void): () => void {
    this.roleLostListeners.push(listener);
    return () => {
      const at = this.roleLostListeners.indexOf(listener);
      if (at >= 0) this.roleLostListeners.splice(at, 1);
    };
  }

  /** Who the socket's user is to a club: the cached role when fresh, the database otherwise. */
  async standing(client: ClientSession, clubId: number): Promise<Standing | null> {
    const cached = client.roles.get(clubId);
    if (cached && Date.now() - cached.checkedAt < ROLE_CACHE_MS) return { role: cached.role, status: 'active' };
    const standing = await this.directory.resolve(clubId, client.userId);
    // Mend the cache if a club event was missed.
    if (cached && (!standing || !inClub(standing.role))) {
      this.expel(client, clubId, { unfollow: false });
      for (const listener of this.roleLostListeners) listener(client, clubId);
    } else if (cached && standing) this.admit(client, clubId, standing.role);
    return standing;
  }

  /**
   * Reads stale guest passes again: a pass ends after a day, and no event says so. Called
   * periodically; a guest whose pass ended leaves the room.
   */
  async recheckGuests(clients: ClientSession[]): Promise<void> {
    const now = Date.now();
    for (const client of clients) {
      for (const [clubId, { role, checkedAt }] of client.roles) {
        if (role === 'guest' && now - checkedAt >= ROLE_CACHE_MS) await this.standing(client, clubId);
      }
    }
  }

  /** The caller's role if it may do `action` in the club; a not_found / forbidden AppError otherwise. */
  async authorize(client: ClientSession, clubId: number, action: Action): Promise<Standing> {
    const standing = await this.standing(client, clubId);
    if (!standing) throw new AppError('not_found', 'Club not found');
    if (!can(standing.role, action, standing.club)) {
      throw new AppError('forbidden', `Your role in this club (${standing.role}) may not do this (${action})`, { action, role: standing.role });
    }
    return standing;
  }
}
