// The SFU's front door. Signaling handlers call one method per client event with the user's
// id and the validated payload, having decided already who may do what (shared/permissions);
// the hub enforces the media rules and limits, and tells clients what changed through the
// listeners given to `subscribe` (each delivery names the user ids it is for).
import { systemClock, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type {
  ConsumerReply,
  HandsState,
  JoinReply,
  MediaClientPayload,
  MediaDelivery,
  MeetingEndedReason,
  MediaServerPayloads,
  PeerLeftReason,
  TransportOptionsReply,
} from '../shared/protocol/meetings-media.js';
import type { Participation } from '../shared/protocol/intelligence.js';
import type { AudioTaps } from './audio-taps.js';
import { admit, type JoinIntent } from './admission.js';
import { Meeting, type MeetingContext, type MeetingSnapshot, type Restriction } from './meeting.js';
import * as media from './meeting-media.js';
import * as moderation from './moderation.js';
import type { Direction, Peer } from './peer.js';
import type { MeetingRecorder } from './recorder.js';
import type { MediaSettings } from './settings.js';
import { TranscriptionFollow } from './transcription-follow.js';
import type { WorkerPool } from './worker-pool.js';

export interface MeetingHubDeps {
  pool: WorkerPool;
  settings: MediaSettings;
  recorder: MeetingRecorder;
  logger: Logger;
  /** Where tapped audio goes; without it nothing is tapped. */
  taps?: AudioTaps | null;
  /** Times the reconnect grace period; real time unless a test moves it. */
  clock?: Clock;
}

export type { JoinIntent } from './admission.js';
export type { MeetingSnapshot } from './meeting.js';

type MeetingRef = { meeting_id: number };

const RESTRICTIONS_KEPT_MS = 24 * 3600_000;

export class MeetingHub {
  private readonly meetings = new Map<number, Meeting>();
  private readonly opening = new Map<number, Promise<Meeting>>();
  private readonly listeners = new Set<(delivery: MediaDelivery) => void>();
  private readonly transcription: TranscriptionFollow;
  private readonly ctx: MeetingContext;
  /**
   * Moderators' decisions per meeting (mute locks, publish rights, removals): they outlast the
   * media closing when everyone leaves, and go when the meeting ends (or after a day).
   */
  private readonly restrictions = new Map<number, { byUser: Map<number, Restriction>; at: number }>();
  private closing = false;

  private readonly clock: Clock;

  constructor(private readonly deps: MeetingHubDeps) {
    this.clock = deps.clock ?? systemClock;
    this.ctx = {
      pool: deps.pool,
      clock: this.clock,
      settings: deps.settings,
      recorder: deps.recorder,
      logger: deps.logger,
      taps: deps.taps ?? null,
      deliver: (delivery) => this.deliver(delivery),
      lost: (meeting, err) => {
        deps.logger.error({ meetingId: meeting.id, err: err.message }, 'meeting lost its media and could not be rebuilt');
        void this.closeMeeting(meeting, 'media_failure');
      },
    };
    this.transcription = new TranscriptionFollow({ meetings: () => this.meetings.values(), recorder: deps.recorder, taps: this.ctx.taps, clock: this.clock });
  }

  subscribe(listener: (delivery: MediaDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Joins (or, within the grace period, comes back to) a meeting; the caller has checked meeting.join. */
  async join(intent: JoinIntent): Promise<JoinReply> {
    const meeting = await this.meetingFor(intent.meetingId, intent.clubId);
    if (meeting.clubId !== intent.clubId) throw new AppError('bad_request', 'This meeting belongs to another club');
    const present = meeting.peer(intent.userId);
    if (present?.joined) {
      present.resume(intent.takeOver ?? false, intent.rtpCapabilities);
      return meeting.joinReply(present, true);
    }
    let peer: Peer;
    try {
      peer = await admit(meeting, intent);
    } catch (err) {
      this.closeIfEmpty(meeting);
      throw err;
    }
    this.transcription.admitted(peer);
    meeting.emit('peer:joined', meeting.othersThan(peer.userId), { meeting_id: meeting.id, peer: peer.info() });
    return meeting.joinReply(peer, false);
  }

  /** Leaving on purpose: the others are told at once. */
  async leave(userId: number, { meeting_id }: MeetingRef): Promise<{ meeting_id: number }> {
    const { meeting, peer } = this.find(meeting_id, userId);
    this.dropPeer(meeting, peer, 'left');
    return { meeting_id };
  }

  /** The user's socket went away: their media stays for the grace period, then they are dropped. */
  disconnected(meetingId: number, userId: number): void {
    const meeting = this.meetings.get(meetingId);
    const peer = meeting?.peer(userId);
    if (!meeting || !peer?.joined) return;
    peer.startGrace(this.clock, this.deps.settings.reconnectGraceMs, () => this.dropPeer(meeting, peer, 'timeout'));
  }

  async createTransport(userId: number, p: MediaClientPayload<'transport:create'>): Promise<TransportOptionsReply> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    return media.createWebRtcTransport(meeting, peer, p);
  }

  /** For server-side peers (bots, load tests) sending bare RTP; never reachable from a client event. */
  async createPlainTransport(userId: number, meetingId: number, direction: Direction): Promise<{ id: string; ip: string; port: number }> {
    const { meeting, peer } = this.find(meetingId, userId);
    return media.createPlainTransport(meeting, peer, direction);
  }

  async connectTransport(userId: number, p: MediaClientPayload<'transport:connect'>): Promise<Record<string, never>> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    await media.connectTransport(meeting, peer, p.transport_id, p.dtls_parameters);
    return {};
  }

  async connectPlainTransport(userId: number, meetingId: number, transportId: string, remote: { ip: string; port: number }): Promise<void> {
    const { meeting, peer } = this.find(meetingId, userId);
    await media.connectPlainTransport(meeting, peer, transportId, remote);
  }

  async restartIce(userId: number, p: MediaClientPayload<'transport:restart-ice'>) {
    return media.restartIce(this.find(p.meeting_id, userId).peer, p.transport_id);
  }

  async produce(userId: number, p: MediaClientPayload<'produce'>): Promise<{ id: string; paused: boolean }> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    return media.produce(meeting, peer, p);
  }

  async consume(userId: number, p: MediaClientPayload<'consume'>): Promise<ConsumerReply> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    return media.consume(meeting, peer, p);
  }

  async resumeConsumer(userId: number, p: MediaClientPayload<'consumer:resume'>): Promise<Record<string, never>> {
    await media.resumeConsumer(this.find(p.meeting_id, userId).peer, p.consumer_id);
    return {};
  }

  async pauseConsumer(userId: number, p: MediaClientPayload<'consumer:pause'>): Promise<Record<string, never>> {
    await media.pauseConsumer(this.find(p.meeting_id, userId).peer, p.consumer_id);
    return {};
  }

  async setConsumerLayers(userId: number, p: MediaClientPayload<'consumer:set-layers'>): Promise<Record<string, never>> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    await media.setConsumerLayers(meeting, peer, p);
    return {};
  }

  async pauseProducer(userId: number, p: MediaClientPayload<'producer:pause'>): Promise<Record<string, never>> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    await media.pauseProducer(meeting, peer, p.producer_id);
    return {};
  }

  async resumeProducer(userId: number, p: MediaClientPayload<'producer:resume'>): Promise<Record<string, never>> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    await media.resumeProducer(meeting, peer, p.producer_id);
    return {};
  }

  async closeProducer(userId: number, p: MediaClientPayload<'producer:close'>): Promise<Record<string, never>> {
    const { meeting, peer } = this.find(p.meeting_id, userId);
    media.closeProducer(meeting, peer, p.producer_id);
    return {};
  }

  /** Raises or lowers the user's own hand. */
  async raiseHand(userId: number, p: MediaClientPayload<'hand:raise'>): Promise<HandsState> {
    const { meeting } = this.find(p.meeting_id, userId);
    return { meeting_id: meeting.id, queue: meeting.setHand(userId, p.raised, new Date(this.clock.now())) };
  }

  /** Takes someone's hand down (the caller has checked meeting.lower_hands); a hand not up, or a person not here, changes nothing. */
  async lowerHand(p: MediaClientPayload<'hand:lower'>): Promise<HandsState> {
    const meeting = this.meetings.get(p.meeting_id);
    if (!meeting) throw new AppError('not_found', 'Nobody is in this meeting');
    return { meeting_id: meeting.id, queue: meeting.setHand(p.user_id, false, new Date(this.clock.now())) };
  }

  // Moderation: the caller has checked meeting.moderate (and that the actor outranks the target).

  async mute(p: MediaClientPayload<'peer:mute'>) {
    const { meeting, peer } = this.find(p.meeting_id, p.user_id);
    return moderation.muteMic(meeting, peer, p.muted);
  }

  async stopVideo(p: MediaClientPayload<'peer:stop-video'>): Promise<{ closed: string[] }> {
    const { meeting, peer } = this.find(p.meeting_id, p.user_id);
    return { closed: moderation.stopVideo(meeting, peer) };
  }

  async setPublishRight(p: MediaClientPayload<'peer:publish'>) {
    const { meeting, peer } = this.find(p.meeting_id, p.user_id);
    return moderation.setPublishRight(meeting, peer, p.allowed);
  }

  /** Removes the peer and keeps them out while the meeting's media stays open. */
  async removePeer(p: MediaClientPayload<'peer:remove'>): Promise<{ user_id: number }> {
    const { meeting, peer } = this.find(p.meeting_id, p.user_id);
    meeting.restrict(peer.userId, { removed: true });
    this.dropPeer(meeting, peer, 'removed');
    return { user_id: p.user_id };
  }

  /**
   * Ends the meeting for everyone. `record: false` when the meeting record was ended already
   * (the REST endpoint did it); otherwise the record ends here too.
   */
  async endMeeting(meetingId: number, options: { record?: boolean; reason?: MeetingEndedReason } = {}): Promise<{ meeting_id: number }> {
    const meeting = this.meetings.get(meetingId) ?? (await this.opening.get(meetingId)?.catch(() => undefined));
    if (meeting) await this.closeMeeting(meeting, options.reason ?? 'ended');
    if ((options.reason ?? 'ended') === 'ended') this.restrictions.delete(meetingId);
    if (options.record !== false) {
      try {
        await this.deps.recorder.end(meetingId);
      } catch (err) {
        if (!meeting) throw err;
        // The record may have ended elsewhere first; the live meeting is over either way.
        this.deps.logger.debug({ meetingId, err: (err as Error).message }, 'meeting record not ended here');
      }
    }
    return { meeting_id: meetingId };
  }

  /** The user is no longer a member of the club: out of its meetings at once. */
  removeFromClub(clubId: number, userId: number): void {
    for (const meeting of this.meetings.values()) {
      const peer = meeting.clubId === clubId ? meeting.peer(userId) : undefined;
      if (peer) this.dropPeer(meeting, peer, 'removed_from_club');
    }
  }

  /** The club is gone: its meetings end for everyone. */
  endClubMeetings(clubId: number): void {
    for (const meeting of [...this.meetings.values()]) if (meeting.clubId === clubId) void this.closeMeeting(meeting, 'ended');
  }

  /** The user's login session ended: their peers waiting out a dropped connection go now. */
  dropDisconnected(userId: number): void {
    for (const meeting of [...this.meetings.values()]) {
      const peer = meeting.peer(userId);
      if (peer && !peer.connected) this.dropPeer(meeting, peer, 'timeout');
    }
  }

  /** Opting out closes the taps of the member's microphone; opting in opens them again. */
  setTranscriptionOptOut(userId: number, optOut: boolean): void {
    this.transcription.setOptOut(userId, optOut);
  }

  /** Whether hosted meetings are transcribed changed (one meeting, or a club's default): read it again and follow. */
  refreshTranscription(which: { meetingId: number } | { clubId: number }): Promise<void> {
    return this.transcription.refresh(which);
  }

  /** A new transcript line, to everyone in the meeting (nothing when it is not hosted here). */
  announceSegment(meetingId: number, segment: MediaServerPayloads['transcript:segment']['segment']): void {
    const meeting = this.meetings.get(meetingId);
    meeting?.emit('transcript:segment', meeting.everyone(), { meeting_id: meetingId, segment });
  }

  /** Talk time so far; signaling passes it on to those who may moderate. */
  announceParticipation(meetingId: number, participation: Participation): void {
    const meeting = this.meetings.get(meetingId);
    meeting?.emit('meeting:participation', meeting.everyone(), { ...participation, meeting_id: meetingId, club_id: meeting.clubId });
  }

  /** Where a meeting's media lives and who is in it (for tests and diagnostics). */
  describe(meetingId: number): MeetingSnapshot | null {
    return this.meetings.get(meetingId)?.snapshot() ?? null;
  }

  /** Whether the meeting's media is open (or opening) on this node. */
  hosts(meetingId: number): boolean {
    return this.meetings.has(meetingId) || this.opening.has(meetingId);
  }

  get meetingCount(): number {
    return this.meetings.size;
  }

  get peerCount(): number {
    let peers = 0;
    for (const meeting of this.meetings.values()) peers += meeting.peerCount;
    return peers;
  }

  /** Shutdown begins: no meeting opens here any more (joins answer not_ready). */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Server shutdown: no meeting opens any more, everyone is told, sessions are closed; meeting records stay live. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.meetings.values()].map((m) => this.closeMeeting(m, 'server_shutdown')));
    this.ctx.taps?.closeAll();
  }

  private find(meetingId: number, userId: number): { meeting: Meeting; peer: Peer } {
    const meeting = this.meetings.get(meetingId);
    const peer = meeting?.peer(userId);
    if (!meeting || !peer?.joined) throw new AppError('not_found', 'You are not in this meeting; join it first');
    return { meeting, peer };
  }

  private async meetingFor(meetingId: number, clubId: number): Promise<Meeting> {
    if (this.closing) throw new AppError('not_ready', 'This server is shutting down: join again in a moment');
    const open = this.meetings.get(meetingId);
    if (open && !open.closed) return open;
    let opening = this.opening.get(meetingId);
    if (!opening) {
      opening = Meeting.open(meetingId, clubId, this.ctx, this.restrictionsOf(meetingId)).then(
        (meeting) => {
          this.meetings.set(meetingId, meeting);
          this.opening.delete(meetingId);
          return meeting;
        },
        (err: unknown) => {
          this.opening.delete(meetingId);
          throw err;
        },
      );
      this.opening.set(meetingId, opening);
    }
    return opening;
  }

  private restrictionsOf(meetingId: number): Map<number, Restriction> {
    const now = this.clock.now();
    for (const [id, { at }] of this.restrictions) if (now - at > RESTRICTIONS_KEPT_MS && !this.meetings.has(id)) this.restrictions.delete(id);
    let entry = this.restrictions.get(meetingId);
    if (!entry) this.restrictions.set(meetingId, (entry = { byUser: new Map(), at: now }));
    entry.at = now;
    return entry.byUser;
  }

  private dropPeer(meeting: Meeting, peer: Peer, reason: PeerLeftReason): void {
    meeting.removePeer(peer, reason);
    this.closeIfEmpty(meeting);
  }

  /** Nobody left: the routers go (the meeting record stays live; joining again reopens them). */
  private closeIfEmpty(meeting: Meeting): void {
    if (meeting.peerCount > 0 || meeting.closed) return;
    if (this.meetings.get(meeting.id) === meeting) this.meetings.delete(meeting.id);
    void meeting.close();
  }

  private async closeMeeting(meeting: Meeting, reason: MeetingEndedReason): Promise<void> {
    if (meeting.closed) return;
    if (reason !== 'server_shutdown' && reason !== 'media_failure') this.restrictions.delete(meeting.id);
    meeting.emit('meeting:ended', meeting.everyone(), { meeting_id: meeting.id, reason });
    if (this.meetings.get(meeting.id) === meeting) this.meetings.delete(meeting.id);
    await meeting.close();
  }

  private deliver(delivery: MediaDelivery): void {
    for (const listener of this.listeners) {
      try {
        listener(delivery);
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message, event: delivery.event }, 'media event listener failed');
      }
    }
  }
}
