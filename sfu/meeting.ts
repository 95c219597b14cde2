// One live meeting on this node: its routers, its peers and who publishes what. It tells its
// peers what changes (through `deliver`), keeps talk time, and rebuilds itself on another
// worker when a worker under it dies.
import type * as mediasoup from 'mediasoup';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type {
  JoinReply,
  MediaDelivery,
  MediaServerEvent,
  MediaServerPayloads,
  PeerLeftReason,
  ProducerClosedReason,
  RaisedHand,
  TranscriptionState,
} from '../shared/protocol/meetings-media.js';
import type { AudioTaps } from './audio-taps.js';
import type { Peer, PeerProducer, PeerSnapshot } from './peer.js';
import type { MeetingRecorder } from './recorder.js';
import { RouterSet } from './router-set.js';
import type { MediaSettings } from './settings.js';
import { SpeechObservers } from './speech.js';
import type { WorkerPool } from './worker-pool.js';

export interface MeetingContext {
  pool: WorkerPool;
  clock: Clock;
  settings: MediaSettings;
  recorder: MeetingRecorder;
  logger: Logger;
  taps: AudioTaps | null;
  deliver(delivery: MediaDelivery): void;
  /** The meeting could not be rebuilt after a worker died: it has to end. */
  lost(meeting: Meeting, err: Error): void;
}

export interface MeetingSnapshot {
  meeting_id: number;
  club_id: number;
  routers: { id: string; worker_pid: number; consumers: number }[];
  peers: PeerSnapshot[];
}

/** Moderator decisions that outlive a peer leaving and coming back. */
export interface Restriction {
  canPublish?: boolean;
  micLocked: boolean;
  /** Removed by a moderator: may not join again while the meeting's media is open. */
  removed?: boolean;
}

const REBUILD_ATTEMPTS = 3;

export class Meeting {
  readonly #peers = new Map<number, Peer>();
  /** Every producer of the meeting, by id, with the peer publishing it. */
  readonly #producerOwners = new Map<string, Peer>();
  /** Kept by the hub across the media closing and reopening, until the meeting ends. */
  readonly #restrictions: Map<number, Restriction>;
  /** Grows with every rebuild; work begun under an older one is void. */
  #generation = 0;
  #closed = false;
  /** The dominant speaker's user id, told to peers as they join. */
  #activeSpeaker: number | null = null;
  /** Whether microphones are tapped for transcription (opted-out members' never are). */
  #transcribing = false;
  /** Raised hands by user id, with when they went up; a Map keeps the order they were raised. */
  readonly #hands = new Map<number, string>();
  #routers!: RouterSet;
  #speech!: SpeechObservers;
  #rebuilding: Promise<void> = Promise.resolve();
  readonly #closeReasons = new WeakMap<mediasoup.types.Producer, ProducerClosedReason>();
  readonly #talkTimer: NodeJS.Timeout;

  private constructor(readonly id: number, readonly clubId: number, readonly ctx: MeetingContext, restrictions: Map<number, Restriction>) {
    this.#restrictions = restrictions;
    this.#talkTimer = setInterval(() => void this.flushAllTalk(), ctx.settings.talkFlushMs);
    this.#talkTimer.unref();
  }

  static async open(id: number, clubId: number, ctx: MeetingContext, restrictions = new Map<number, Restriction>()): Promise<Meeting> {
    const meeting = new Meeting(id, clubId, ctx, restrictions);
    try {
      meeting.#transcribing = await ctx.recorder.transcription(id);
      await meeting.build();
    } catch (err) {
      clearInterval(meeting.#talkTimer);
      throw err;
    }
    return meeting;
  }

  get logger(): Logger {
    return this.ctx.logger;
  }

  get rtpCapabilities(): mediasoup.types.RtpCapabilities {
    return this.#routers.main.router.rtpCapabilities;
  }

  get routers(): RouterSet {
    return this.#routers;
  }

  get generation(): number {
    return this.#generation;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transcribing(): boolean {
    return this.#transcribing;
  }

  /** Resolves once no rebuild is under way; returns the generation the caller works under. */
  async settled(): Promise<number> {
    await this.#rebuilding;
    return this.#generation;
  }

  // Who is in the meeting.

  peer(userId: number): Peer | undefined {
    return this.#peers.get(userId);
  }

  /** Everyone with a place, joined or still joining. */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Gives the peer its place (it is not announced until it has joined). */
  seat(peer: Peer): void {
    this.#peers.set(peer.userId, peer);
  }

  /** Whether this peer (not an older or newer one of the same user) holds the place. */
  seats(peer: Peer): boolean {
    return this.#peers.get(peer.userId) === peer;
  }

  /** A join that failed gives its place back, if it still holds it. */
  unseat(peer: Peer): void {
    if (this.seats(peer)) this.#peers.delete(peer.userId);
  }

  /** The peers that have joined (a peer still joining hears nothing yet). */
  joinedPeers(): Peer[] {
    return [...this.#peers.values()].filter((p) => p.joined);
  }

  // Moderators' decisions, kept for members who leave and come back.

  restrictionOf(userId: number): Readonly<Restriction> | undefined {
    return this.#restrictions.get(userId);
  }

  restrict(userId: number, change: Partial<Restriction>): void {
    this.#restrictions.set(userId, { micLocked: false, ...this.#restrictions.get(userId), ...change });
  }

  /** Returns whether it changed. */
  setTranscribing(on: boolean): boolean {
    if (this.#transcribing === on || this.#closed) return false;
    this.#transcribing = on;
    return true;
  }

  // Raised hands: who asked to speak, first raised first.

  hands(): RaisedHand[] {
    return [...this.#hands].map(([userId, raisedAt]) => ({ user_id: userId, raised_at: raisedAt }));
  }

  /** Raises (at the end of the queue; a hand up already keeps its place) or lowers; tells everyone when it changed. */
  setHand(userId: number, raised: boolean, at: Date): RaisedHand[] {
    const changed = raised ? !this.#hands.has(userId) : this.#hands.has(userId);
    if (raised && changed) this.#hands.set(userId, at.toISOString());
    if (!raised) this.#hands.delete(userId);
    if (changed) this.announceHands();
    return this.hands();
  }

  private announceHands(): void {
    this.emit('meeting:hands', this.everyone(), { meeting_id: this.id, queue: this.hands() });
  }

  // Producers across the meeting.

  ownerOf(producerId: string): Peer | undefined {
    return this.#producerOwners.get(producerId);
  }

  /** A producer enters the peer's books and the meeting's. */
  addProducer(peer: Peer, entry: PeerProducer): void {
    peer.addProducer(entry);
    this.#producerOwners.set(entry.producer.id, peer);
  }

  /** A closed producer leaves the books; returns whether the peer still had it (so its closing is to be told). */
  removeProducer(peer: Peer, entry: PeerProducer): boolean {
    this.#producerOwners.delete(entry.producer.id);
    return peer.removeProducer(entry);
  }

  everyone(): number[] {
    return this.joinedPeers().map((p) => p.userId);
  }

  othersThan(userId: number): number[] {
    return this.everyone().filter((id) => id !== userId);
  }

  emit<E extends MediaServerEvent>(event: E, to: number[], payload: MediaServerPayloads[E]): void {
    if (to.length === 0 || this.#closed) return;
    this.ctx.deliver({ event, to, payload } as MediaDelivery);
  }

  joinReply(peer: Peer, resumed: boolean): JoinReply {
    return {
      meeting_id: this.id,
      rtp_capabilities: this.rtpCapabilities,
      self: { user_id: peer.userId, ...peer.rights },
      peers: this.joinedPeers().filter((p) => p !== peer).map((p) => p.info()),
      resumed,
      recreate_transports: peer.transportCount === 0,
      transports: peer.transportInfos(),
      producers: peer.producerInfos(),
      consumers: peer.consumerInfos(),
      rtp_capabilities_known: peer.rtpCapabilities !== null,
      active_speaker: this.#activeSpeaker,
      transcription: this.transcriptionState(),
      hands: this.hands(),
    };
  }

  transcriptionState(): TranscriptionState {
    return { on: this.#transcribing, opted_out: this.joinedPeers().filter((p) => p.transcriptionOptOut).map((p) => p.userId) };
  }

  /** Whether this peer's microphone is to be tapped. */
  tapsAudioOf(peer: Peer): boolean {
    return this.#transcribing && !peer.transcriptionOptOut;
  }

  snapshot(): MeetingSnapshot {
    return {
      meeting_id: this.id,
      club_id: this.clubId,
      routers: this.#routers.slots.map((s) => ({ id: s.router.id, worker_pid: s.worker.pid, consumers: s.consumers })),
      peers: [...this.#peers.values()].map((p) => p.snapshot()),
    };
  }

  /** Closes a producer on purpose; its close handler tells the others why. */
  closeProducer(producer: mediasoup.types.Producer, reason: ProducerClosedReason): void {
    this.#closeReasons.set(producer, reason);
    producer.close();
  }

  closeReasonOf(producer: mediasoup.types.Producer, peer: Peer): ProducerClosedReason {
    return this.#closeReasons.get(producer) ?? (peer.leaving ? 'left' : 'closed');
  }

  /** An audio producer joins the speech observers (piped to the main router when it lives elsewhere). */
  async observeSpeech(producerId: string, peer: Peer): Promise<void> {
    const entry = peer.producer(producerId);
    if (!entry) return;
    await this.#routers.bring(producerId, entry.slot, this.#routers.main);
    await this.#speech.add(producerId);
  }

  /** Takes a peer out: its media closes, the others hear it left (and so does it, unless it chose to). */
  removePeer(peer: Peer, reason: PeerLeftReason): void {
    if (!this.seats(peer)) return;
    peer.leave();
    this.#peers.delete(peer.userId);
    if (this.#activeSpeaker === peer.userId) this.#activeSpeaker = null;
    if (!peer.joined) return;
    const to = reason === 'left' ? this.everyone() : [...this.everyone(), peer.userId];
    this.emit('peer:left', to, { meeting_id: this.id, user_id: peer.userId, reason });
    if (this.#hands.delete(peer.userId)) this.announceHands();
    void this.closeSession(peer);
  }

  /** Writes the peer's talk time and closes its join session. */
  private async closeSession(peer: Peer): Promise<void> {
    await this.flushTalk(peer);
    if (peer.sessionId === null) return;
    try {
      await this.ctx.recorder.participantLeft(peer.sessionId);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, meetingId: this.id, userId: peer.userId }, 'could not record a departure');
    }
  }

  async flushTalk(peer: Peer): Promise<void> {
    const ms = peer.takeTalk();
    if (ms <= 0) return;
    try {
      await this.ctx.recorder.addTalkTime(this.id, peer.userId, ms);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, meetingId: this.id, userId: peer.userId }, 'could not record talk time');
    }
  }

  flushAllTalk(): Promise<void[]> {
    return Promise.all([...this.#peers.values()].map((p) => this.flushTalk(p)));
  }

  /** Closes every router; peers are dropped without further events (the caller told them). */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#talkTimer);
    const peers = [...this.#peers.values()];
    this.#closed = true;
    for (const peer of peers) peer.leave();
    this.#peers.clear();
    this.#speech.close();
    this.#routers.close();
    await Promise.all(peers.map((p) => this.closeSession(p)));
  }

  /** After a worker died: new routers on a live worker, and every peer told to reconnect its media. */
  rebuild(): void {
    this.#generation += 1;
    this.#rebuilding = this.#rebuilding.then(() => this.rebuildNow());
  }

  private async rebuildNow(): Promise<void> {
    if (this.#closed) return;
    for (const peer of this.#peers.values()) peer.forgetMedia();
    this.#producerOwners.clear();
    this.#speech.close();
    this.#routers.close();
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < REBUILD_ATTEMPTS && !this.#closed; attempt += 1) {
      try {
        await this.build();
        for (const peer of this.#peers.values()) peer.moveTo(this.#routers.main);
        this.logger.warn({ meetingId: this.id, peers: this.#peers.size, worker: this.#routers.main.worker.pid }, 'meeting rebuilt on a live worker');
        this.emit('meeting:rebuilt', this.everyone(), { meeting_id: this.id, rtp_capabilities: this.rtpCapabilities });
        return;
      } catch (err) {
        lastError = err as Error;
      }
    }
    if (!this.#closed) this.ctx.lost(this, lastError ?? new Error('meeting closed while rebuilding'));
  }

  private async build(): Promise<void> {
    const worker = await this.ctx.pool.liveWorker();
    const generation = this.#generation;
    const routers = await RouterSet.open(this.ctx.pool, worker, () => {
      if (generation === this.#generation && !this.#closed) this.rebuild();
    });
    try {
      this.#speech = await SpeechObservers.open(routers.main.router, this.ctx.settings, {
        dominant: (producerId) => this.onDominantSpeaker(producerId),
        levels: (levels, intervalMs) => this.onLevels(levels, intervalMs),
      });
    } catch (err) {
      routers.close();
      throw err;
    }
    this.#routers = routers;
  }

  private onDominantSpeaker(producerId: string): void {
    const peer = this.#producerOwners.get(producerId);
    if (!peer) return;
    this.#activeSpeaker = peer.userId;
    this.emit('active-speaker', this.everyone(), { meeting_id: this.id, user_id: peer.userId, producer_id: producerId });
  }

  private onLevels(levels: { producerId: string; volume: number }[], intervalMs: number): void {
    const speaking: { user_id: number; volume: number }[] = [];
    for (const { producerId, volume } of levels) {
      const peer = this.#producerOwners.get(producerId);
      if (!peer) continue;
      peer.addTalk(intervalMs);
      speaking.push({ user_id: peer.userId, volume });
    }
    this.emit('audio-levels', this.everyone(), { meeting_id: this.id, levels: speaking });
  }
}
