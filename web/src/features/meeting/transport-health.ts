// Keeps a meeting's two media transports connected: carries their DTLS connect to the server,
// and when a path breaks on its own (ICE disconnected or failed) says so (the tiles show
// "Reconnecting media…") and restarts ICE: at once when failed, after a grace period when merely
// disconnected (a path often comes back by itself), and again every few seconds until it holds.
// Without the control channel there is nobody to restart with; the rejoin does it then.
import { signal } from '@preact/signals';
import type { types } from 'mediasoup-client';
import { toApiError } from '../../api/errors.js';
import { call, getSocket } from '../../api/socket.js';

export type Direction = 'send' | 'recv';

/** A disconnected path often comes back by itself; after this long ICE is restarted. */
const DISCONNECTED_GRACE_MS = 2_000;
const ICE_RETRY_MS = 5_000;

export class TransportHealth {
  /** Which of this person's own media paths is being restored (shown on the tiles). */
  readonly recovering = signal<Record<Direction, boolean>>({ send: false, recv: false });
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly meetingId: number) {}

  /** Wires a new transport: its DTLS connect goes to the server, its state is watched. */
  watch(transport: types.Transport, direction: Direction): void {
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      call('transport:connect', { meeting_id: this.meetingId, transport_id: transport.id, dtls_parameters: dtlsParameters }).then(() => done(), (err: unknown) => fail(toApiError(err)));
    });
    transport.on('connectionstatechange', (state) => {
      if (transport.closed) return;
      if (state === 'connected') {
        this.clearTimer(transport.id);
        this.setRecovering(direction, false);
      } else if (state === 'disconnected' || state === 'failed') {
        this.setRecovering(direction, true);
        this.schedule(transport, state === 'failed' ? 0 : DISCONNECTED_GRACE_MS);
      }
    });
  }

  /** Restarts ICE now (after a rejoin that kept the transport); a transport gone meanwhile is left to the newer state. */
  async restartIce(transport: types.Transport | null): Promise<void> {
    if (!transport || transport.closed) return;
    try {
      const { iceParameters } = await call('transport:restart-ice', { meeting_id: this.meetingId, transport_id: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters });
    } catch {
      // The transport went away meanwhile (a rebuild, a rejoin): the newer state decides.
    }
  }

  /** The transport is being closed: no more restarts, and nothing to recover. */
  forget(transport: types.Transport, direction: Direction): void {
    this.clearTimer(transport.id);
    this.setRecovering(direction, false);
  }

  /** The session ends: every pending restart is cancelled. */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(transport: types.Transport, delay: number): void {
    if (this.timers.has(transport.id)) return;
    this.timers.set(
      transport.id,
      setTimeout(() => {
        this.timers.delete(transport.id);
        if (transport.closed || transport.connectionState === 'connected') return;
        if (getSocket().connected) void this.restartIce(transport);
        this.schedule(transport, ICE_RETRY_MS);
      }, delay),
    );
  }

  private clearTimer(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  private setRecovering(direction: Direction, on: boolean): void {
    if (this.recovering.value[direction] === on) return;
    this.recovering.value = { ...this.recovering.value, [direction]: on };
  }
}
