// One member's presence in a meeting: its transports, what it publishes and what it receives.
import type * as mediasoup from 'mediasoup';
import type { Timer } from '../shared/clock.js';
import type { ConsumerInfo, MediaSource, PeerInfo, PeerRights, ProducerInfo } from '../shared/protocol/meetings-media.js';
import type { RouterSlot } from './router-set.js';

export type Direction = 'send' | 'recv';

interface TransportState {
  direction: Direction;
  /** True from the moment a connect is under way: a transport connects once (mediasoup refuses a second). */
  connected: boolean;
}

/** `plain`: a PlainTransport, for server-side peers (bots, load tests) that send bare RTP. */
export type PeerTransport =
  | (TransportState & { plain: false; transport: mediasoup.types.WebRtcTransport })
  | (TransportState & { plain: true; transport: mediasoup.types.PlainTransport });

export interface PeerProducer {
  producer: mediasoup.types.Producer;
  source: MediaSource;
  slot: RouterSlot;
}

export interface PeerConsumer {
  consumer: mediasoup.types.Consumer;
  slot: RouterSlot;
  /** Whose producer it receives, and which source of theirs. */
  ownerId: number;
  source: MediaSource;
}

export class Peer {
  readonly transports = new Map<string, PeerTransport>();
  readonly producers = new Map<string, PeerProducer>();
  readonly consumers = new Map<string, PeerConsumer>();
  /** The meeting record's join session, once opened. */
  sessionId: number | null = null;
  /** Set while the socket is gone: the peer is removed when it fires. */
  graceTimer: Timer | null = null;
  /** Talk time not yet written to the meeting record. */
  pendingTalkMs = 0;
  /** False until the meeting record accepted the join: until then the others do not see this peer. */
  joined = false;
  leaving = false;
  /** Sources with a produce call under way: a second one for the same source is refused. */
  readonly producing = new Set<MediaSource>();
  /** Producers with a consume call under way: a second one for the same producer is refused. */
  readonly consuming = new Set<string>();
  /** Directions with a transport being created: one at a time (each would replace the other, and hold ports meanwhile). */
  readonly creating = new Set<Direction>();
  /** What the client can receive, told at join or with its recv transport; consume uses them. */
  rtpCapabilities: mediasoup.types.RtpCapabilities | null = null;

  constructor(
    readonly userId: number,
    readonly clubId: number,
    public slot: RouterSlot,
    public rights: PeerRights,
    public transcriptionOptOut: boolean,
  ) {}

  producerFor(source: MediaSource): PeerProducer | undefined {
    for (const entry of this.producers.values()) if (entry.source === source) return entry;
    return undefined;
  }

  transportFor(direction: Direction): PeerTransport | undefined {
    for (const entry of this.transports.values()) if (entry.direction === direction) return entry;
    return undefined;
  }

  producerInfos(): ProducerInfo[] {
    return [...this.producers.values()].map(({ producer, source }) => ({
      id: producer.id,
      user_id: this.userId,
      kind: producer.kind,
      source,
      paused: producer.paused,
    }));
  }

  consumerInfos(): ConsumerInfo[] {
    return [...this.consumers.values()].map(({ consumer, ownerId, source }) => ({
      id: consumer.id,
      producer_id: consumer.producerId,
      user_id: ownerId,
      kind: consumer.kind,
      source,
      paused: consumer.paused,
      producer_paused: consumer.producerPaused,
    }));
  }

  info(): PeerInfo {
    return { user_id: this.userId, ...this.rights, producers: this.producerInfos() };
  }

  /** Closes every transport; producers and consumers close with them. */
  closeTransports(): void {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }

  /** Drops every reference without closing anything (the router is gone already). */
  forgetMedia(): void {
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.producing.clear();
    this.consuming.clear();
    this.creating.clear();
  }
}
