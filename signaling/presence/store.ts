// Who is online in each club: one entry per socket (so several tabs of one user count once
// in the list of users, and closing one tab keeps the user online). One node keeps it in
// memory; several share it in Redis (redis-store.ts).

/** A club whose set of online users changed, with the new set. */
export interface PresenceChange {
  clubId: number;
  online: number[];
  version: number;
}

export interface PresenceStore {
  /** Lists a socket in clubs; returns the clubs whose set of online users changed. */
  enter(socketId: string, userId: number, clubIds: number[]): Promise<PresenceChange[]>;
  leave(socketId: string, clubIds: number[]): Promise<PresenceChange[]>;
  online(clubId: number): Promise<{ online: number[]; version: number }>;
  /** Called periodically: proves this node alive and clears the entries of nodes that are not. */
  heartbeat(): Promise<PresenceChange[]>;
  /** Removes every entry of this node (shutdown). */
  drop(): Promise<PresenceChange[]>;
}

export function distinctUsers(userIds: Iterable<number>): number[] {
  return [...new Set(userIds)].sort((a, b) => a - b);
}

export function sameMembers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly clubs = new Map<number, Map<string, number>>();
  /** The version of each club someone is online in; a club is forgotten when it empties. */
  private readonly versions = new Map<number, number>();
  /**
   * The last version given to any club. Versions are drawn from this one counter, so a club
   * forgotten and filled again still gets higher versions than any it had (clients keep the
   * highest they saw).
   */
  private lastVersion = 0;

  async enter(socketId: string, userId: number, clubIds: number[]): Promise<PresenceChange[]> {
    return this.change(clubIds, (sockets) => sockets.set(socketId, userId));
  }

  async leave(socketId: string, clubIds: number[]): Promise<PresenceChange[]> {
    return this.change(clubIds, (sockets) => sockets.delete(socketId));
  }

  async online(clubId: number): Promise<{ online: number[]; version: number }> {
    // An empty club's last version is no higher than the counter's.
    return { online: distinctUsers(this.clubs.get(clubId)?.values() ?? []), version: this.versions.get(clubId) ?? this.lastVersion };
  }

  async heartbeat(): Promise<PresenceChange[]> {
    return [];
  }

  /** How many clubs the store keeps anything for (memory held: it follows the clubs with someone online). */
  trackedClubs(): number {
    return new Set([...this.clubs.keys(), ...this.versions.keys()]).size;
  }

  async drop(): Promise<PresenceChange[]> {
    const all = [...this.clubs.keys()];
    return this.change(all, (sockets) => sockets.clear());
  }

  private change(clubIds: number[], apply: (sockets: Map<string, number>) => void): PresenceChange[] {
    const changes: PresenceChange[] = [];
    for (const clubId of clubIds) {
      const sockets = this.clubs.get(clubId) ?? new Map<string, number>();
      const before = distinctUsers(sockets.values());
      apply(sockets);
      const after = distinctUsers(sockets.values());
      const version = ++this.lastVersion;
      if (sockets.size === 0) {
        this.clubs.delete(clubId);
        this.versions.delete(clubId);
      } else {
        this.clubs.set(clubId, sockets);
        this.versions.set(clubId, version);
      }
      if (!sameMembers(before, after)) changes.push({ clubId, online: after, version });
    }
    return changes;
  }
}
