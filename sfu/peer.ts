// One member's presence in a meeting: its transports, what it publishes and what it receives,
// its rights, and its reconnect grace timer. Its state changes only through its own methods;
// the meeting and the media functions ask it, as mediasoup's own classes own theirs.
import type * as mediasoup from 'mediasoup';
import type { Clock, Timer } from '../shared/clock.js';
import type { ConsumerInfo, MediaSource, PeerInfo, PeerRights, ProducerInfo } from '../shared/protocol/meetings-media.js';
import type { KeyFrameWatch } from './key-frame-watch.js';
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
  readonly producer: mediasoup.types.Producer;
  readonly source: MediaSource;
  readonly slot: RouterSlot;
}

export interface PeerConsumer {
  readonly consumer: mediasoup.types.Consumer;
  readonly slot: RouterSlot;
  /** Whose producer it receives, and which source of theirs. */
  readonly ownerId: number;
  readonly source: MediaSource;
  /** Asks for key frames while the consumer, resumed, forwards no layer. */
  readonly keyFrames: KeyFrameWatch;
}

/** Requests under way, by what they hold: a second one for the same key is refused. */
interface InFlight {
  /** Sources with a produce call under way. */
  produce: MediaSource;
  /** Producers with a consume call under way. */
  consume: string;
  /** Directions with a transport being created (each would replace the other, and hold ports meanwhile). */
  create: Direction;
}

export interface PeerSnapshot {
  user_id: number;
  router_id: string;
  transports: number;
  producers: number;
  consumers: number;
  connected: boolean;
}

export class Peer {
  readonly #transports = new Map<string, PeerTransport>();
  readonly #producers = new Map<string, PeerProducer>();
  readonly #consumers = new Map<string, PeerConsumer>();
  readonly #inFlight: { [K in keyof InFlight]: Set<InFlight[K]> } = { produce: new Set(), consume: new Set(), create: new Set() };
  #slot: RouterSlot;
  #rights: PeerRights;
  #transcriptionOptOut: boolean;
  /** The meeting record's join session, once opened. */
  #sessionId: number | null = null;
  /** Set while the socket is gone: the peer is removed when it fires. */
  #graceTimer: Timer | null = null;
  /** Talk time not yet written to the meeting record. */
  #pendingTalkMs = 0;
  /** False until the meeting record accepted the join: until then the others do not see this peer. */
  #joined = false;
  #leaving = false;
  /** What the client can receive, told at join or with its recv transport; consume uses them. */
  #rtpCapabilities: mediasoup.types.RtpCapabilities | null;

  constructor(
    readonly userId: number,
    readonly clubId: number,
    slot: RouterSlot,
    rights: PeerRights,
    options: { transcriptionOptOut: boolean; rtpCapabilities?: mediasoup.types.RtpCapabilities },
  ) {
    this.#slot = slot;
    this.#rights = { ...rights };
    this.#transcriptionOptOut = options.transcriptionOptOut;
    this.#rtpCapabilities = options.rtpCapabilities ?? null;
  }

  /** The router its transports live on. */
  get slot(): RouterSlot {
    return this.#slot;
  }

  get rights(): Readonly<PeerRights> {
    return this.#rights;
  }

  get joined(): boolean {
    return this.#joined;
  }

  get leaving(): boolean {
    return this.#leaving;
  }

  get sessionId(): number | null {
    return this.#sessionId;
  }

  get transcriptionOptOut(): boolean {
    return this.#transcriptionOptOut;
  }

  get rtpCapabilities(): mediasoup.types.RtpCapabilities | null {
    return this.#rtpCapabilities;
  }

  /** False while the socket is gone and the grace period runs. */
  get connected(): boolean {
    return this.#graceTimer === null;
  }

  /** The meeting record accepted the join: from now on the others see this peer. */
  markJoined(sessionId: number): void {
    this.#sessionId = sessionId;
    this.#joined = true;
  }

  // Rights and preferences.

  setMicLocked(locked: boolean): void {
    this.#rights = { ...this.#rights, mic_locked: locked };
  }

  setCanPublish(allowed: boolean): void {
    this.#rights = { ...this.#rights, can_publish: allowed };
  }

  /** Returns whether it changed. */
  setTranscriptionOptOut(optOut: boolean): boolean {
    if (this.#transcriptionOptOut === optOut) return false;
    this.#transcriptionOptOut = optOut;
    return true;
  }

  rememberCapabilities(capabilities: mediasoup.types.RtpCapabilities | null): void {
    this.#rtpCapabilities = capabilities;
  }

  // The socket going and coming back.

  /** The socket went away: `expire` runs unless it comes back within `ms`. A grace period already running goes on. */
  startGrace(clock: Clock, ms: number, expire: () => void): void {
    if (this.#graceTimer) return;
    this.#graceTimer = clock.timeout(() => {
      this.#graceTimer = null;
      expire();
    }, ms);
  }

  cancelGrace(): void {
    this.#graceTimer?.cancel();
    this.#graceTimer = null;
  }

  /**
   * The user is back on a new socket (the grace period ends), or another tab of theirs takes
   * the peer over: the first tab's transports close, and its capabilities, which say nothing of
   * another browser, are forgotten. Capabilities the join carried replace the kept ones.
   */
  resume(takeOver: boolean, capabilities?: mediasoup.types.RtpCapabilities): void {
    this.cancelGrace();
    if (takeOver) {
      this.closeTransports();
      this.#rtpCapabilities = null;
    }
    if (capabilities) this.#rtpCapabilities = capabilities;
  }

  /** Leaving for good: the grace period ends and every transport closes (producers and consumers with them). */
  leave(): void {
    this.#leaving = true;
    this.cancelGrace();
    this.closeTransports();
  }

  // Talk time.

  addTalk(ms: number): void {
    this.#pendingTalkMs += ms;
  }

  /** The talk time not yet written, which the caller now writes. */
  takeTalk(): number {
    const ms = this.#pendingTalkMs;
    this.#pendingTalkMs = 0;
    return ms;
  }

  // Requests under way.

  /**
   * Runs `work` holding `key` of `kind`. The key is taken before the first await, so a second
   * request sent at once (or while the first waits on the worker) finds it taken: a limit
   * checked before an await and enforced after it would let both through.
   */
  async holding<K extends keyof InFlight, T>(kind: K, key: InFlight[K], busy: () => Error, work: () => Promise<T>): Promise<T> {
    const held = this.#inFlight[kind] as Set<InFlight[K]>;
    if (held.has(key)) throw busy();
    held.add(key);
    try {
      return await work();
    } finally {
      held.delete(key);
    }
  }

  // Transports.

  transport(transportId: string): PeerTransport | undefined {
    return this.#transports.get(transportId);
  }

  transportFor(direction: Direction): PeerTransport | undefined {
    for (const entry of this.#transports.values()) if (entry.direction === direction) return entry;
    return undefined;
  }

  /** A new transport of a direction replaces the peer's old one of that direction; it leaves the books when it closes. */
  adoptTransport(entry: PeerTransport): void {
    const { transport } = entry;
    this.transportFor(entry.direction)?.transport.close();
    this.#transports.set(transport.id, entry);
    transport.observer.once('close', () => {
      if (this.#transports.get(transport.id) === entry) this.#transports.delete(transport.id);
    });
  }

  /** Connects once: a second connect, even while the first is under way, is refused with `already`. */
  async connectOnce(entry: PeerTransport, already: () => Error, connect: () => Promise<void>): Promise<void> {
    if (entry.connected) throw already();
    entry.connected = true;
    try {
      await connect();
    } catch (err) {
      entry.connected = false;
      throw err;
    }
  }

  /** Closes every transport; producers and consumers close with them. */
  closeTransports(): void {
    for (const { transport } of this.#transports.values()) transport.close();
    this.#transports.clear();
  }

  // Producers.

  producer(producerId: string): PeerProducer | undefined {
    return this.#producers.get(producerId);
  }

  producerFor(source: MediaSource): PeerProducer | undefined {
    for (const entry of this.#producers.values()) if (entry.source === source) return entry;
    return undefined;
  }

  producers(): PeerProducer[] {
    return [...this.#producers.values()];
  }

  addProducer(entry: PeerProducer): void {
    this.#producers.set(entry.producer.id, entry);
  }

  /** Takes the producer out of the books if `entry` is still the one there; returns whether it was. */
  removeProducer(entry: PeerProducer): boolean {
    if (this.#producers.get(entry.producer.id) !== entry) return false;
    this.#producers.delete(entry.producer.id);
    return true;
  }

  // Consumers.

  consumer(consumerId: string): PeerConsumer | undefined {
    return this.#consumers.get(consumerId);
  }

  consumes(producerId: string): boolean {
    for (const { consumer } of this.#consumers.values()) if (consumer.producerId === producerId) return true;
    return false;
  }

  addConsumer(entry: PeerConsumer): void {
    this.#consumers.set(entry.consumer.id, entry);
  }

  /** Takes the consumer out of the books if `entry` is still the one there; returns whether it was. */
  removeConsumer(entry: PeerConsumer): boolean {
    if (this.#consumers.get(entry.consumer.id) !== entry) return false;
    this.#consumers.delete(entry.consumer.id);
    return true;
  }

  // A rebuilt meeting.

  /** Drops every reference without closing anything (the router is gone already). */
  forgetMedia(): void {
    this.#transports.clear();
    this.#producers.clear();
    this.#consumers.clear();
    for (const held of Object.values(this.#inFlight)) held.clear();
  }

  /** The meeting was rebuilt: new transports go on this router. */
  moveTo(slot: RouterSlot): void {
    this.#slot = slot;
  }

  // What the peer is, as clients and diagnostics see it.

  producerInfos(): ProducerInfo[] {
    return this.producers().map(({ producer, source }) => ({
      id: producer.id,
      user_id: this.userId,
      kind: producer.kind,
      source,
      paused: producer.paused,
    }));
  }

  consumerInfos(): ConsumerInfo[] {
    return [...this.#consumers.values()].map(({ consumer, ownerId, source }) => ({
      id: consumer.id,
      producer_id: consumer.producerId,
      user_id: ownerId,
      kind: consumer.kind,
      source,
      paused: consumer.paused,
      producer_paused: consumer.producerPaused,
    }));
  }

  transportInfos(): { id: string; direction: Direction }[] {
    return [...this.#transports.values()].map((t) => ({ id: t.transport.id, direction: t.direction }));
  }

  get transportCount(): number {
    return this.#transports.size;
  }

  info(): PeerInfo {
    return { user_id: this.userId, ...this.#rights, producers: this.producerInfos() };
  }

  snapshot(): PeerSnapshot {
    return {
      user_id: this.userId,
      router_id: this.#slot.router.id,
      transports: this.#transports.size,
      producers: this.#producers.size,
      consumers: this.#consumers.size,
      connected: this.connected,
    };
  }
}
