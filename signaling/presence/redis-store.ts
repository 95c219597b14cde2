// Presence shared by every node through Redis.
//
//   <p>club:<clubId>   hash: socket id → "<userId>|<nodeId>"      (one entry per socket)
//   <p>ver:<clubId>    counter, bumped with every change           (clients keep the newest)
//   <p>node:<nodeId>   set of clubs the node has entries in        (what to clean when it dies)
//   <p>nodes           set of node ids
//   <p>alive:<nodeId>  refreshed every heartbeat, expires after the TTL
//
// Each change reads the hash before and after in one MULTI, so "did the set of users change"
// is exact even with other nodes writing. A node that dies leaves its entries behind; the
// first node whose heartbeat finds its alive key gone removes them (under a short lock so
// only one does) and reports the change.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { distinctUsers, sameMembers, type PresenceChange, type PresenceStore } from './store.js';

type Step = 'enter' | 'leave';

function usersOf(values: string[]): number[] {
  return distinctUsers(values.map((value) => Number.parseInt(value, 10)).filter(Number.isSafeInteger));
}

export class RedisPresenceStore implements PresenceStore {
  readonly nodeId = randomUUID();
  // This node's own entries, to put back if the cluster ever took it for dead.
  private readonly local = new Map<string, { userId: number; clubs: Set<number> }>();
  private beats = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  private key = {
    club: (clubId: number) => `${this.prefix}club:${clubId}`,
    version: (clubId: number) => `${this.prefix}ver:${clubId}`,
    node: (nodeId: string) => `${this.prefix}node:${nodeId}`,
    nodes: () => `${this.prefix}nodes`,
    alive: (nodeId: string) => `${this.prefix}alive:${nodeId}`,
    sweepLock: (nodeId: string) => `${this.prefix}sweep:${nodeId}`,
  };

  async enter(socketId: string, userId: number, clubIds: number[]): Promise<PresenceChange[]> {
    const entry = this.local.get(socketId) ?? { userId, clubs: new Set<number>() };
    for (const clubId of clubIds) entry.clubs.add(clubId);
    this.local.set(socketId, entry);
    return this.apply('enter', clubIds, [socketId], `${userId}|${this.nodeId}`);
  }

  async leave(socketId: string, clubIds: number[]): Promise<PresenceChange[]> {
    const entry = this.local.get(socketId);
    if (entry) {
      for (const clubId of clubIds) entry.clubs.delete(clubId);
      if (entry.clubs.size === 0) this.local.delete(socketId);
    }
    return this.apply('leave', clubIds, [socketId]);
  }

  async online(clubId: number): Promise<{ online: number[]; version: number }> {
    const [values, version] = await Promise.all([this.redis.hvals(this.key.club(clubId)), this.redis.get(this.key.version(clubId))]);
    return { online: usersOf(values), version: Number(version ?? 0) };
  }

  async heartbeat(): Promise<PresenceChange[]> {
    const previous = await this.redis.set(this.key.alive(this.nodeId), '1', 'PX', this.ttlMs, 'GET');
    await this.redis.sadd(this.key.nodes(), this.nodeId);
    const changes: PresenceChange[] = [];
    // Our key had expired (a long pause): another node may have swept our entries. Put them back.
    if (previous === null && this.beats > 0) {
      for (const [socketId, { userId, clubs }] of this.local) changes.push(...(await this.apply('enter', [...clubs], [socketId], `${userId}|${this.nodeId}`)));
    }
    this.beats += 1;
    const nodes = (await this.redis.smembers(this.key.nodes())).filter((id) => id !== this.nodeId);
    if (nodes.length === 0) return changes;
    const alive = await Promise.all(nodes.map((id) => this.redis.exists(this.key.alive(id))));
    for (const [i, nodeId] of nodes.entries()) {
      if (alive[i] === 1) continue;
      const locked = await this.redis.set(this.key.sweepLock(nodeId), this.nodeId, 'PX', this.ttlMs, 'NX');
      if (locked === 'OK') changes.push(...(await this.sweep(nodeId)));
    }
    return changes;
  }

  async drop(): Promise<PresenceChange[]> {
    this.local.clear();
    const changes = await this.sweep(this.nodeId);
    await this.redis.del(this.key.alive(this.nodeId));
    return changes;
  }

  /** Removes every entry a node left behind. */
  private async sweep(nodeId: string): Promise<PresenceChange[]> {
    const suffix = `|${nodeId}`;
    const changes: PresenceChange[] = [];
    for (const clubId of (await this.redis.smembers(this.key.node(nodeId))).map(Number)) {
      const entries = await this.redis.hgetall(this.key.club(clubId));
      const sockets = Object.entries(entries)
        .filter(([, value]) => value.endsWith(suffix))
        .map(([socketId]) => socketId);
      if (sockets.length > 0) changes.push(...(await this.apply('leave', [clubId], sockets)));
    }
    await this.redis.multi().del(this.key.node(nodeId)).srem(this.key.nodes(), nodeId).exec();
    return changes;
  }

  private async apply(step: Step, clubIds: number[], socketIds: string[], value = ''): Promise<PresenceChange[]> {
    if (clubIds.length === 0 || socketIds.length === 0) return [];
    const tx = this.redis.multi();
    for (const clubId of clubIds) {
      const key = this.key.club(clubId);
      tx.hvals(key);
      if (step === 'enter') {
        for (const socketId of socketIds) tx.hset(key, socketId, value);
        tx.sadd(this.key.node(this.nodeId), String(clubId));
      } else {
        tx.hdel(key, ...socketIds);
      }
      tx.hvals(key);
      tx.incr(this.key.version(clubId));
    }
    const results = (await tx.exec()) ?? [];
    const perClub = results.length / clubIds.length;
    const changes: PresenceChange[] = [];
    for (const [i, clubId] of clubIds.entries()) {
      const at = i * perClub;
      const before = usersOf(results[at]?.[1] as string[]);
      const after = usersOf(results[at + perClub - 2]?.[1] as string[]);
      const version = Number(results[at + perClub - 1]?.[1] ?? 0);
      if (!sameMembers(before, after)) changes.push({ clubId, online: after, version });
    }
    return changes;
  }
}
