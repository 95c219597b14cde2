// What one person receives in a meeting: a local consumer per remote producer, on the session's
// receive transport. Consumers come two ways: made by the server with the receive transport
// (the producers there at that moment) or asked for with `consume` (producers announced later);
// both end in adopt(), which starts the consumer on the server. Keyed by the remote producer's
// id, so nothing is received twice; work begun for a transport the session has since thrown
// away (an older generation) is dropped.
import type { types } from 'mediasoup-client';
import type { ConsumerReply, MediaSource, ProducerInfo } from '../../../../shared/protocol/meetings-media.js';
import { call } from '../../api/socket.js';

interface LocalConsumer {
  consumer: types.Consumer;
  userId: number;
  source: MediaSource;
  /** simulcast or svc: it has layers to choose from. */
  layered: boolean;
  spatial: number | null;
}

export interface ReceivingContext {
  meetingId: number;
  /** Grows whenever the session throws its transports away. */
  generation(): number;
  /** A remote person's track of one source came or went (null). */
  onTrack(userId: number, source: MediaSource, track: MediaStreamTrack | null): void;
}

export class Receiving {
  /** By the remote producer's id. */
  private consumers = new Map<string, LocalConsumer>();
  /** Producers whose consumer is on its way. */
  private pending = new Set<string>();

  constructor(private readonly ctx: ReceivingContext) {}

  /** Takes the consumers the server made with the transport: no `consume` for those. */
  takeMade(replies: ConsumerReply[], transport: types.Transport): void {
    const generation = this.ctx.generation();
    for (const reply of replies) {
      this.pending.add(reply.producerId);
      void this.adopt(reply, transport, generation)
        .catch(() => undefined)
        .finally(() => this.pending.delete(reply.producerId));
    }
  }

  /** Consumes a producer not received yet (announced after the transport was made). */
  async consume(info: ProducerInfo, transport: types.Transport): Promise<void> {
    if (this.consumers.has(info.id) || this.pending.has(info.id)) return;
    const generation = this.ctx.generation();
    this.pending.add(info.id);
    try {
      const reply = await call('consume', { meeting_id: this.ctx.meetingId, transport_id: transport.id, producer_id: info.id });
      await this.adopt(reply, transport, generation);
    } catch {
      // The producer closed meanwhile (its producer:closed follows), or the transport went away.
    } finally {
      this.pending.delete(info.id);
    }
  }

  /** Receives what a consumer made on the server carries, then asks the server to start it. */
  private async adopt(reply: ConsumerReply, transport: types.Transport, generation: number): Promise<void> {
    if (generation !== this.ctx.generation() || transport.closed) return;
    const consumer = await transport.consume({ id: reply.id, producerId: reply.producerId, kind: reply.kind, rtpParameters: reply.rtpParameters as types.RtpParameters });
    if (generation !== this.ctx.generation() || !this.pending.has(reply.producerId)) {
      consumer.close();
      return;
    }
    this.consumers.set(reply.producerId, { consumer, userId: reply.user_id, source: reply.source, layered: reply.type !== 'simple', spatial: null });
    this.ctx.onTrack(reply.user_id, reply.source, consumer.track);
    await call('consumer:resume', { meeting_id: this.ctx.meetingId, consumer_id: reply.id }).catch(() => undefined);
  }

  drop(producerId: string): void {
    const local = this.consumers.get(producerId);
    this.pending.delete(producerId);
    if (!local) return;
    local.consumer.close();
    this.consumers.delete(producerId);
    this.ctx.onTrack(local.userId, local.source, null);
  }

  dropFrom(userId: number): void {
    for (const [producerId, local] of this.consumers) if (local.userId === userId) this.drop(producerId);
  }

  dropAll(): void {
    for (const producerId of [...this.consumers.keys()]) this.drop(producerId);
    this.pending.clear();
  }

  /** After a rejoin that kept the transport: drops what the server no longer holds; returns the ids of those kept. */
  keepOnly(consumerIds: Set<string>): Set<string> {
    for (const [producerId, local] of this.consumers) if (!consumerIds.has(local.consumer.id)) this.drop(producerId);
    return new Set([...this.consumers.values()].map((c) => c.consumer.id));
  }

  tracksOf(userId: number): Partial<Record<MediaSource, MediaStreamTrack>> {
    const tracks: Partial<Record<MediaSource, MediaStreamTrack>> = {};
    for (const local of this.consumers.values()) if (local.userId === userId) tracks[local.source] = local.consumer.track;
    return tracks;
  }

  /** A tile's width decides which simulcast layer is worth receiving. */
  preferWidth(userId: number, source: MediaSource, width: number): void {
    for (const local of this.consumers.values()) {
      if (local.userId !== userId || local.source !== source || !local.layered) continue;
      const spatial = width < 260 ? 0 : width < 640 ? 1 : 2;
      if (local.spatial === spatial) continue;
      local.spatial = spatial;
      void call('consumer:set-layers', { meeting_id: this.ctx.meetingId, consumer_id: local.consumer.id, spatial_layer: spatial }).catch(() => {
        local.spatial = null;
      });
    }
  }

  /** The receive stats of one person's media (for the tile's quality hint). */
  statsOf(userId: number): Promise<RTCStatsReport[]> {
    const reports: Promise<RTCStatsReport>[] = [];
    for (const local of this.consumers.values()) if (local.userId === userId && !local.consumer.closed) reports.push(local.consumer.getStats());
    return Promise.all(reports);
  }
}
