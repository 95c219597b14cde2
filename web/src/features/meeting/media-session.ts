// One person's place in a meeting's media: the mediasoup Device, a send and a receive
// transport, what this person publishes (producers) and receives (consumers), driven over the
// tab's Socket.IO connection. The screen reads its signals; it never touches mediasoup.
//
// Recovery follows the protocol's JoinReply: after a socket drop the join is sent again and its
// reply says what the server kept (restart ICE and keep using it) or that everything must be
// made again; producers and consumers are matched by id so nothing is doubled or lost. A media
// path that breaks on its own is restarted by transport-health.ts; what is received, and how,
// lives in receiving.ts.
import { signal } from '@preact/signals';
import { Device, type types } from 'mediasoup-client';
import type { ConsumerInfo, JoinReply, MediaServerPayloads, MeetingJoinReply, MediaSource, PeerRights, ProducerInfo, RaisedHand, RtpCapabilitiesPayload, RtpParametersPayload, TranscriptionState } from '../../../../shared/protocol/meetings-media.js';
import { type ApiError, toApiError } from '../../api/errors.js';
import { call, getSocket } from '../../api/socket.js';
import type { MessageKey } from '../../i18n/index.js';
import { openCamera, openMic, openScreen } from './devices.js';
import { Receiving } from './receiving.js';
import { TransportHealth } from './transport-health.js';

export type RoomState =
  | { kind: 'joining' }
  | { kind: 'live' }
  /** The control channel dropped: rejoining as soon as it is back. */
  | { kind: 'reconnecting' }
  /** The meeting moved to another media worker: transports are being made again. */
  | { kind: 'rebuilding' }
  | { kind: 'left' }
  | { kind: 'ended' }
  | { kind: 'removed' }
  /** Another tab or device of this person took the place over. */
  | { kind: 'replaced' }
  /** Another server holds the meeting. */
  | { kind: 'elsewhere'; url: string | null }
  | { kind: 'failed'; error: ApiError };

export interface RemotePeer {
  userId: number;
  rights: PeerRights;
  producers: ProducerInfo[];
  tracks: Partial<Record<MediaSource, MediaStreamTrack>>;
}

export interface SelfView {
  userId: number | null;
  rights: PeerRights;
  mic: boolean;
  camera: boolean;
  screen: boolean;
  cameraTrack: MediaStreamTrack | null;
  screenTrack: MediaStreamTrack | null;
  micTrack: MediaStreamTrack | null;
}

export interface RoomNotice {
  key: MessageKey;
  kind: 'info' | 'warning';
  at: number;
}

type Handlers = { [E in keyof MediaServerPayloads]?: (payload: MediaServerPayloads[E]) => void };

/** Three simulcast layers: small tiles get the lowest, a large one the highest. */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];
const NO_RIGHTS: PeerRights = { can_publish: true, mic_locked: false };

export interface JoinOptions {
  mic: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
}

export class MeetingSession {
  readonly state = signal<RoomState>({ kind: 'joining' });
  readonly peers = signal<RemotePeer[]>([]);
  readonly self = signal<SelfView>({ userId: null, rights: NO_RIGHTS, mic: false, camera: false, screen: false, cameraTrack: null, screenTrack: null, micTrack: null });
  readonly activeSpeaker = signal<number | null>(null);
  readonly notice = signal<RoomNotice | null>(null);
  /** The join reply's transcription state, for the side panel (it follows later changes itself). */
  readonly transcription = signal<TranscriptionState | undefined>(undefined);
  /** Raised hands, first raised first: the join reply's queue, replaced by every meeting:hands. */
  readonly hands = signal<RaisedHand[]>([]);

  private device = new Device();
  private send: types.Transport | null = null;
  private recv: types.Transport | null = null;
  private sendPending: Promise<types.Transport> | null = null;
  private producers = new Map<MediaSource, types.Producer>();
  private readonly receiving: Receiving;
  private readonly health: TransportHealth;
  /** Producers the server created paused (a moderator holds the microphone). */
  private lockedProducers = new Set<string>();
  /** Grows whenever transports are thrown away: work begun for an older one is dropped. */
  private generation = 0;
  private detach: Array<() => void> = [];
  private closed = false;
  /** Set while this person takes their own hand down, so that only a host's lowering is announced. */
  private loweringOwnHand = false;
  /**
   * The last join reply's resume token, sent with the next join: coming back on a new socket
   * while the server still holds the old one (a network switch) is then a quiet resume, not a
   * takeover. In this object's memory only: another tab must never present it.
   */
  private resumeToken: string | null = null;

  /** Which of this person's own media paths is being restored (shown on the tiles). */
  get mediaRecovering() {
    return this.health.recovering;
  }

  constructor(readonly meetingId: number) {
    this.health = new TransportHealth(meetingId);
    this.receiving = new Receiving({ meetingId, generation: () => this.generation, onTrack: (userId, source, track) => this.setPeerTrack(userId, source, track) });
  }

  /** Joins with the tracks the pre-join screen opened (either may be null: joining with it off). */
  async join(options: JoinOptions): Promise<void> {
    this.listen();
    this.patchSelf({ micTrack: options.mic, mic: options.mic !== null, cameraTrack: options.camera, camera: options.camera !== null });
    await this.joinOnce();
  }

  // ——— joining and rejoining ———

  private async joinOnce(): Promise<void> {
    let reply: MeetingJoinReply;
    try {
      reply = await call('meeting:join', {
        meeting_id: this.meetingId,
        ...(this.device.loaded ? { rtp_capabilities: this.capabilities() } : {}),
        ...(this.resumeToken !== null ? { resume_token: this.resumeToken } : {}),
      });
    } catch (err) {
      this.joinFailed(toApiError(err));
      return;
    }
    if (this.closed) return;
    this.resumeToken = reply.resume_token;
    try {
      await this.adopt(reply);
      if (this.state.value.kind === 'reconnecting' || this.state.value.kind === 'joining' || this.state.value.kind === 'rebuilding') this.state.value = { kind: 'live' };
    } catch (err) {
      // The socket dropped mid-way: the reconnect starts over; anything else is said on screen.
      if (!getSocket().connected) return;
      this.stopHere({ kind: 'failed', error: toApiError(err) });
    }
  }

  private joinFailed(error: ApiError): void {
    if (error.code === 'meeting_elsewhere') {
      const details = error.details as { url?: unknown } | undefined;
      this.stopHere({ kind: 'elsewhere', url: typeof details?.url === 'string' ? details.url : null });
    } else if ((error.code === 'network' || error.code === 'timeout') && !getSocket().connected) {
      // No answer while the socket is away: its next connect joins again.
      this.state.value = { kind: 'reconnecting' };
    } else if (error.code === 'network' || error.code === 'timeout') {
      void this.rejoin();
    } else {
      this.stopHere({ kind: 'failed', error });
    }
  }

  /** Makes local media match the join reply (see JoinReply for the cases). */
  private async adopt(reply: JoinReply): Promise<void> {
    this.patchSelf({ userId: reply.self.user_id, rights: { can_publish: reply.self.can_publish, mic_locked: reply.self.mic_locked } });
    this.activeSpeaker.value = reply.active_speaker;
    this.transcription.value = reply.transcription;
    this.hands.value = reply.hands;
    // Before any await: events that follow the reply (peer:joined, producer:new) then update this list instead of being overwritten by it.
    this.peers.value = reply.peers.map((peer) => ({
      userId: peer.user_id,
      rights: { can_publish: peer.can_publish, mic_locked: peer.mic_locked },
      producers: peer.producers,
      tracks: this.receiving.tracksOf(peer.user_id),
    }));
    if (!this.device.loaded) await this.device.load({ routerRtpCapabilities: reply.rtp_capabilities as types.RtpCapabilities });

    const keptSend = reply.transports.find((t) => t.direction === 'send');
    const keptRecv = reply.transports.find((t) => t.direction === 'recv');
    const keepSend = !reply.recreate_transports && this.send !== null && keptSend?.id === this.send.id;
    const keepRecv = !reply.recreate_transports && this.recv !== null && keptRecv?.id === this.recv.id;
    if (!keepSend || !keepRecv) this.generation += 1;

    // Receiving: keep the consumers the server kept, drop the others.
    if (keepRecv) {
      const mine = this.receiving.keepOnly(new Set(reply.consumers.map((c) => c.id)));
      void this.health.restartIce(this.recv);
      // A consume answered while the socket was away: the server holds a consumer we never got. It is paused so it costs nothing.
      for (const orphan of reply.consumers.filter((c: ConsumerInfo) => !mine.has(c.id) && !c.paused)) {
        void call('consumer:pause', { meeting_id: this.meetingId, consumer_id: orphan.id }).catch(() => undefined);
      }
    } else {
      this.closeRecv();
    }

    // Sending: keep the producers the server kept, produce again what is on but gone.
    if (keepSend) {
      const kept = new Set(reply.producers.map((p) => p.id));
      for (const [source, producer] of this.producers) {
        if (!kept.has(producer.id)) {
          producer.close();
          this.producers.delete(source);
        }
      }
      const mine = new Set([...this.producers.values()].map((p) => p.id));
      for (const orphan of reply.producers.filter((p) => !mine.has(p.id))) {
        void call('producer:close', { meeting_id: this.meetingId, producer_id: orphan.id }).catch(() => undefined);
      }
      // Muted by a moderator while the socket was away: the pause-requested event was missed.
      const mic = this.producers.get('mic');
      if (reply.self.mic_locked && mic && !mic.paused) {
        mic.pause();
        this.patchSelf({ mic: false });
      }
      void this.health.restartIce(this.send);
    } else {
      this.closeSend();
    }

    // Receiving first: what others send is what the person waits for; publishing runs meanwhile.
    if (!this.recv) await this.createRecv();
    this.consumeEverything();
    await this.publishWhatIsOn();
  }

  /**
   * Consumes every producer known now, not only those of the join reply: a producer:new that
   * arrived before the receive transport existed is in the peers' lists and would be lost otherwise.
   */
  private consumeEverything(): void {
    for (const peer of this.peers.value) for (const producer of peer.producers) this.consume(producer);
  }

  private capabilities(): RtpCapabilitiesPayload {
    return this.device.rtpCapabilities as RtpCapabilitiesPayload;
  }

  // ——— transports ———

  private async createRecv(): Promise<void> {
    const generation = this.generation;
    const options = await call('transport:create', { meeting_id: this.meetingId, direction: 'recv', rtp_capabilities: this.capabilities() });
    if (generation !== this.generation || this.closed) return;
    const transport = this.device.createRecvTransport({ id: options.id, iceParameters: options.iceParameters, iceCandidates: options.iceCandidates as types.IceCandidate[], dtlsParameters: options.dtlsParameters as types.DtlsParameters });
    this.health.watch(transport, 'recv');
    this.recv = transport;
    this.receiving.takeMade(options.consumers ?? [], transport);
  }

  private ensureSend(): Promise<types.Transport> {
    if (this.send) return Promise.resolve(this.send);
    this.sendPending ??= (async () => {
      try {
        const options = await call('transport:create', { meeting_id: this.meetingId, direction: 'send' });
        const transport = this.device.createSendTransport({ id: options.id, iceParameters: options.iceParameters, iceCandidates: options.iceCandidates as types.IceCandidate[], dtlsParameters: options.dtlsParameters as types.DtlsParameters });
        this.health.watch(transport, 'send');
        transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
          const source = appData.source as MediaSource;
          call('produce', { meeting_id: this.meetingId, transport_id: transport.id, kind, source, rtp_parameters: rtpParameters as RtpParametersPayload, paused: false }).then(
            (reply) => {
              // Produced while a moderator holds the microphone: it starts paused on the server.
              if (reply.paused) this.lockedProducers.add(reply.id);
              done({ id: reply.id });
            },
            (err: unknown) => fail(toApiError(err)),
          );
        });
        this.send = transport;
        return transport;
      } finally {
        this.sendPending = null;
      }
    })();
    return this.sendPending;
  }

  private closeSend(): void {
    for (const producer of this.producers.values()) producer.close();
    this.producers.clear();
    if (this.send) {
      this.health.forget(this.send, 'send');
      this.send.close();
    }
    this.send = null;
    this.sendPending = null;
  }

  private closeRecv(): void {
    this.receiving.dropAll();
    if (this.recv) {
      this.health.forget(this.recv, 'recv');
      this.recv.close();
    }
    this.recv = null;
  }

  // ——— publishing ———

  private async publishWhatIsOn(): Promise<void> {
    const self = this.self.value;
    if (!self.rights.can_publish) return;
    const jobs: Promise<unknown>[] = [];
    if (self.micTrack && self.mic && !this.producers.has('mic')) jobs.push(this.produce('mic', self.micTrack));
    if (self.cameraTrack && self.camera && !this.producers.has('camera')) jobs.push(this.produce('camera', self.cameraTrack));
    if (self.screenTrack && self.screen && !this.producers.has('screen')) jobs.push(this.produce('screen', self.screenTrack));
    await Promise.all(jobs);
  }

  private async produce(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    const generation = this.generation;
    const transport = await this.ensureSend();
    if (generation !== this.generation || this.producers.has(source)) return;
    const producer = await transport.produce({
      track,
      stopTracks: false,
      appData: { source },
      ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS } : {}),
      ...(source === 'mic' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
      ...(source === 'screen' ? { encodings: [{ maxBitrate: 1_500_000 }] } : {}),
    });
    if (generation !== this.generation) {
      producer.close();
      return;
    }
    this.producers.set(source, producer);
    if (this.lockedProducers.delete(producer.id)) {
      producer.pause();
      this.patchSelf({ mic: false });
    }
  }

  /** Turns the microphone on or off (off pauses it: unmuting is instant). */
  async setMic(on: boolean, deviceId: string | null = null): Promise<void> {
    const self = this.self.value;
    if (on && self.rights.mic_locked) {
      this.say('meeting.recovery.mutedByHostCannotUnmute', 'warning');
      return;
    }
    if (on && !self.rights.can_publish) {
      this.say('meeting.recovery.publishRevoked', 'warning');
      return;
    }
    const producer = this.producers.get('mic');
    if (!on) {
      this.patchSelf({ mic: false });
      if (producer && !producer.paused) {
        producer.pause();
        await call('producer:pause', { meeting_id: this.meetingId, producer_id: producer.id });
      }
      return;
    }
    let track = self.micTrack;
    if (!track || track.readyState === 'ended') {
      track = await openMic(deviceId);
      this.patchSelf({ micTrack: track });
    }
    this.patchSelf({ mic: true });
    if (producer) {
      if (producer.paused) {
        producer.resume();
        await call('producer:resume', { meeting_id: this.meetingId, producer_id: producer.id });
      }
    } else if (this.state.value.kind === 'live') {
      await this.produce('mic', track);
    }
  }

  /** Turns the camera on (opening it) or off (closing the producer and the camera, so its light goes off). */
  async setCamera(on: boolean, deviceId: string | null = null): Promise<void> {
    if (on && !this.self.value.rights.can_publish) {
      this.say('meeting.recovery.publishRevoked', 'warning');
      return;
    }
    if (!on) {
      await this.stopSource('camera');
      return;
    }
    const track = await openCamera(deviceId);
    this.patchSelf({ cameraTrack: track, camera: true });
    if (this.state.value.kind === 'live') await this.produce('camera', track);
  }

  async setScreen(on: boolean): Promise<void> {
    if (on && !this.self.value.rights.can_publish) {
      this.say('meeting.recovery.publishRevoked', 'warning');
      return;
    }
    if (!on) {
      await this.stopSource('screen');
      return;
    }
    const track = await openScreen();
    // The browser's own "Stop sharing" button.
    track.addEventListener('ended', () => void this.stopSource('screen'));
    this.patchSelf({ screenTrack: track, screen: true });
    if (this.state.value.kind === 'live') await this.produce('screen', track);
  }

  /** Swaps the microphone or camera mid-meeting without a new producer (replaceTrack). */
  async switchDevice(kind: 'mic' | 'camera', deviceId: string): Promise<void> {
    const self = this.self.value;
    if (kind === 'mic') {
      const track = await openMic(deviceId);
      const old = self.micTrack;
      await this.producers.get('mic')?.replaceTrack({ track });
      this.patchSelf({ micTrack: track });
      old?.stop();
    } else {
      if (!self.camera) return;
      const track = await openCamera(deviceId);
      const old = self.cameraTrack;
      await this.producers.get('camera')?.replaceTrack({ track });
      this.patchSelf({ cameraTrack: track });
      old?.stop();
    }
  }

  private async stopSource(source: MediaSource, tellServer = true): Promise<void> {
    const producer = this.producers.get(source);
    this.producers.delete(source);
    const self = this.self.value;
    if (source === 'camera') {
      self.cameraTrack?.stop();
      this.patchSelf({ camera: false, cameraTrack: null });
    } else if (source === 'screen') {
      self.screenTrack?.stop();
      this.patchSelf({ screen: false, screenTrack: null });
    } else {
      self.micTrack?.stop();
      this.patchSelf({ mic: false, micTrack: null });
    }
    if (producer) {
      producer.close();
      if (tellServer) await call('producer:close', { meeting_id: this.meetingId, producer_id: producer.id }).catch(() => undefined);
    }
  }

  // ——— receiving ———

  /** A producer of someone else, announced or listed: receive it (once) on the receive transport. */
  private consume(info: ProducerInfo): void {
    if (info.user_id === this.self.value.userId || !this.recv) return;
    void this.receiving.consume(info, this.recv);
  }

  /** A tile's width decides which simulcast layer is worth receiving. */
  preferWidth(userId: number, source: MediaSource, width: number): void {
    this.receiving.preferWidth(userId, source, width);
  }

  /** The receive stats of one person's media (for the tile's quality hint). */
  statsOf(userId: number): Promise<RTCStatsReport[]> {
    return this.receiving.statsOf(userId);
  }

  /** The send stats of this person's own media. */
  async ownStats(): Promise<RTCStatsReport[]> {
    const reports: Promise<RTCStatsReport>[] = [];
    for (const producer of this.producers.values()) if (!producer.closed) reports.push(producer.getStats());
    return Promise.all(reports);
  }

  // ——— what others do ———

  private setPeerTrack(userId: number, source: MediaSource, track: MediaStreamTrack | null): void {
    this.peers.value = this.peers.value.map((peer) => {
      if (peer.userId !== userId) return peer;
      const tracks = { ...peer.tracks };
      if (track) tracks[source] = track;
      else delete tracks[source];
      return { ...peer, tracks };
    });
  }

  private updatePeer(userId: number, change: (peer: RemotePeer) => RemotePeer): void {
    this.peers.value = this.peers.value.map((peer) => (peer.userId === userId ? change(peer) : peer));
  }

  private handlers(): Handlers {
    return {
      'peer:joined': ({ peer }) => {
        const others = this.peers.value.filter((p) => p.userId !== peer.user_id);
        this.peers.value = [...others, { userId: peer.user_id, rights: { can_publish: peer.can_publish, mic_locked: peer.mic_locked }, producers: peer.producers, tracks: this.receiving.tracksOf(peer.user_id) }];
        for (const producer of peer.producers) this.consume(producer);
      },
      'peer:left': ({ user_id, reason }) => {
        if (user_id === this.self.value.userId) {
          if (reason === 'replaced') this.stopHere({ kind: 'replaced' });
          else if (reason === 'meeting_ended') this.stopHere({ kind: 'ended' });
          else if (reason === 'removed' || reason === 'removed_from_club') this.stopHere({ kind: 'removed' });
          else if (reason === 'timeout') void this.rejoin();
          return;
        }
        this.receiving.dropFrom(user_id);
        this.peers.value = this.peers.value.filter((p) => p.userId !== user_id);
        if (this.activeSpeaker.value === user_id) this.activeSpeaker.value = null;
      },
      'peer:rights': ({ user_id, can_publish, mic_locked }) => {
        if (user_id !== this.self.value.userId) {
          this.updatePeer(user_id, (peer) => ({ ...peer, rights: { can_publish, mic_locked } }));
          return;
        }
        const before = this.self.value.rights;
        this.patchSelf({ rights: { can_publish, mic_locked } });
        if (before.can_publish && !can_publish) {
          // The server closed the producers already: stop the devices too.
          for (const source of ['mic', 'camera', 'screen'] as const) void this.stopSource(source, false);
          this.say('meeting.recovery.publishRevoked', 'warning');
        } else if (!before.can_publish && can_publish) {
          this.say('meeting.recovery.publishGranted', 'info');
        }
      },
      'producer:new': ({ producer }) => {
        if (producer.user_id === this.self.value.userId) return;
        this.updatePeer(producer.user_id, (peer) => ({ ...peer, producers: [...peer.producers.filter((p) => p.id !== producer.id), producer] }));
        this.consume(producer);
      },
      'producer:closed': ({ producer_id, user_id, reason }) => {
        if (user_id === this.self.value.userId) {
          const source = [...this.producers].find(([, p]) => p.id === producer_id)?.[0];
          if (source) {
            void this.stopSource(source, false);
            if (reason === 'moderator') this.say(source === 'screen' ? 'meeting.recovery.screenStoppedByHost' : 'meeting.recovery.cameraStoppedByHost', 'warning');
          }
          return;
        }
        this.receiving.drop(producer_id);
        this.updatePeer(user_id, (peer) => ({ ...peer, producers: peer.producers.filter((p) => p.id !== producer_id) }));
      },
      'producer:paused': ({ producer_id, user_id }) => {
        this.updatePeer(user_id, (peer) => ({ ...peer, producers: peer.producers.map((p) => (p.id === producer_id ? { ...p, paused: true } : p)) }));
      },
      'producer:resumed': ({ producer_id, user_id }) => {
        this.updatePeer(user_id, (peer) => ({ ...peer, producers: peer.producers.map((p) => (p.id === producer_id ? { ...p, paused: false } : p)) }));
      },
      'producer:pause-requested': ({ producer_id }) => {
        const producer = this.producers.get('mic');
        if (producer?.id === producer_id && !producer.paused) producer.pause();
        this.patchSelf({ mic: false, rights: { ...this.self.value.rights, mic_locked: true } });
        this.say('meeting.recovery.mutedByHost', 'warning');
      },
      'producer:resume-allowed': () => {
        this.patchSelf({ rights: { ...this.self.value.rights, mic_locked: false } });
        this.say('meeting.recovery.unmuteAllowed', 'info');
      },
      'consumer:closed': ({ producer_id }) => this.receiving.drop(producer_id),
      'active-speaker': ({ user_id }) => {
        this.activeSpeaker.value = user_id;
      },
      'meeting:hands': ({ queue }) => this.takeHands(queue),
      'meeting:ended': () => this.stopHere({ kind: 'ended' }),
      'meeting:rebuilt': ({ rtp_capabilities }) => void this.rebuild(rtp_capabilities),
    };
  }

  private listen(): void {
    const socket = getSocket();
    const handlers = this.handlers();
    for (const [event, handler] of Object.entries(handlers) as Array<[keyof MediaServerPayloads, (payload: { meeting_id?: number }) => void]>) {
      const forThisMeeting = (payload: { meeting_id?: number }) => {
        if (payload.meeting_id === this.meetingId && !this.closed) handler(payload);
      };
      // Typed per event above; Socket.IO's listener typing cannot follow a loop over names.
      const target = socket as unknown as { on(e: string, l: (p: { meeting_id?: number }) => void): void; off(e: string, l: (p: { meeting_id?: number }) => void): void };
      target.on(event, forThisMeeting);
      this.detach.push(() => target.off(event, forThisMeeting));
    }
    const onDisconnect = () => {
      if (this.state.value.kind === 'live' || this.state.value.kind === 'joining' || this.state.value.kind === 'rebuilding') this.state.value = { kind: 'reconnecting' };
    };
    const onConnect = () => {
      if (this.state.value.kind === 'reconnecting') void this.rejoin();
    };
    socket.on('disconnect', onDisconnect);
    socket.on('connect', onConnect);
    this.detach.push(() => socket.off('disconnect', onDisconnect), () => socket.off('connect', onConnect));
  }

  private async rejoin(): Promise<void> {
    if (this.closed) return;
    this.state.value = { kind: 'reconnecting' };
    await this.joinOnce();
  }

  private async rebuild(capabilities: RtpCapabilitiesPayload): Promise<void> {
    this.state.value = { kind: 'rebuilding' };
    this.generation += 1;
    this.closeSend();
    this.closeRecv();
    // The producers of others went with the old worker; they are announced again as they come back.
    this.peers.value = this.peers.value.map((peer) => ({ ...peer, producers: [], tracks: {} }));
    if (JSON.stringify(capabilities) !== JSON.stringify(this.device.rtpCapabilities)) {
      this.device = new Device();
      await this.device.load({ routerRtpCapabilities: capabilities as types.RtpCapabilities });
    }
    try {
      await this.createRecv();
      this.consumeEverything();
      await this.publishWhatIsOn();
      this.state.value = { kind: 'live' };
      this.say('meeting.recovery.rebuilt', 'info');
    } catch (err) {
      if (getSocket().connected) this.state.value = { kind: 'failed', error: toApiError(err) };
      else this.state.value = { kind: 'reconnecting' };
    }
  }

  // ——— raised hands ———

  /** Puts this person's hand up (at the end of the queue) or down. */
  async raiseHand(raised: boolean): Promise<void> {
    this.loweringOwnHand = !raised;
    try {
      this.takeHands((await call('hand:raise', { meeting_id: this.meetingId, raised })).queue);
    } finally {
      this.loweringOwnHand = false;
    }
  }

  /** A host takes someone's hand down. */
  async lowerHand(userId: number): Promise<void> {
    this.takeHands((await call('hand:lower', { meeting_id: this.meetingId, user_id: userId })).queue);
  }

  private takeHands(queue: RaisedHand[]): void {
    const me = this.self.value.userId;
    const wasUp = this.hands.value.some((h) => h.user_id === me);
    if (wasUp && !queue.some((h) => h.user_id === me) && !this.loweringOwnHand) this.say('meeting.hands.loweredByHost', 'info');
    this.hands.value = queue;
  }

  // ——— moderation ———

  muteMember(userId: number, muted: boolean) {
    return call('peer:mute', { meeting_id: this.meetingId, user_id: userId, muted });
  }
  stopVideo(userId: number) {
    return call('peer:stop-video', { meeting_id: this.meetingId, user_id: userId });
  }
  setPublishing(userId: number, allowed: boolean) {
    return call('peer:publish', { meeting_id: this.meetingId, user_id: userId, allowed });
  }
  removeMember(userId: number) {
    return call('peer:remove', { meeting_id: this.meetingId, user_id: userId });
  }
  endMeeting() {
    return call('meeting:end', { meeting_id: this.meetingId });
  }

  // ——— leaving ———

  /** Leaves the meeting and releases the camera and microphone. */
  async leave(): Promise<void> {
    const wasIn = this.state.value.kind === 'live' || this.state.value.kind === 'reconnecting';
    this.stopHere({ kind: 'left' });
    if (wasIn) await call('meeting:leave', { meeting_id: this.meetingId }).catch(() => undefined);
  }

  /** Ends local media and says why. */
  private stopHere(state: RoomState): void {
    this.closed = true;
    this.resumeToken = null;
    this.generation += 1;
    this.closeSend();
    this.closeRecv();
    this.health.stop();
    const self = this.self.value;
    for (const track of [self.micTrack, self.cameraTrack, self.screenTrack]) track?.stop();
    this.patchSelf({ mic: false, camera: false, screen: false, micTrack: null, cameraTrack: null, screenTrack: null });
    this.peers.value = [];
    this.hands.value = [];
    this.detach.splice(0).forEach((off) => off());
    this.state.value = state;
  }

  private patchSelf(change: Partial<SelfView>): void {
    this.self.value = { ...this.self.value, ...change };
  }

  private say(key: MessageKey, kind: RoomNotice['kind']): void {
    this.notice.value = { key, kind, at: Date.now() };
  }
}
