// Presence as clients see it: when the set of users online in a club changes, whoever may see
// the club's presence (members, guests, watchers) gets `presence:update`, through the adapter,
// so once each, whichever node made the change. Store errors are logged: presence must never
// break a connection.
import { systemClock, type Clock, type Timer } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { PresenceSnapshot } from '../../shared/protocol/signaling.js';
import type { ClientSession } from '../client.js';
import { audience } from '../rooms.js';
import type { SignalingIo } from '../types.js';
import type { PresenceChange, PresenceStore } from './store.js';

export class Presence {
  private timer: Timer | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: PresenceStore,
    private readonly io: SignalingIo,
    private readonly logger: Logger,
    private readonly heartbeatMs: number,
    /** With Redis, the heartbeat must keep pace with a TTL that Redis counts in real time. */
    private readonly clock: Clock = systemClock,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = this.clock.interval(() => {
      this.beating = this.beat();
    }, this.heartbeatMs);
  }

  async enter(client: ClientSession, clubIds: number[]): Promise<void> {
    const fresh = clubIds.filter((id) => !client.present.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) client.present.add(id);
    await this.guard('enter', () => this.store.enter(client.id, client.userId, fresh));
  }

  async leave(client: ClientSession, clubIds: number[]): Promise<void> {
    const listed = clubIds.filter((id) => client.present.has(id));
    if (listed.length === 0) return;
    for (const id of listed) client.present.delete(id);
    await this.guard('leave', () => this.store.leave(client.id, listed));
  }

  async snapshot(clubId: number): Promise<PresenceSnapshot> {
    const { online, version } = await this.store.online(clubId);
    return { club_id: clubId, online, version };
  }

  /** Removes this node's entries (the others see its users go) and stops the heartbeat. */
  async close(): Promise<void> {
    this.timer?.cancel();
    await this.beating;
    await this.guard('drop', () => this.store.drop());
  }

  private beat(): Promise<void> {
    return this.guard('heartbeat', () => this.store.heartbeat());
  }

  private async guard(what: string, change: () => Promise<PresenceChange[]>): Promise<void> {
    try {
      this.broadcast(await change());
    } catch (err) {
      this.logger.warn({ err, what }, 'presence store failed');
    }
  }

  private broadcast(changes: PresenceChange[]): void {
    for (const { clubId, online, version } of changes) {
      this.io.to(audience(clubId, 'presence.read')).emit('presence:update', { club_id: clubId, online, version });
    }
  }
}
