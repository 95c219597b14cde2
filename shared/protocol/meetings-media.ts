// The media side of a meeting over Socket.IO: client→server events with their zod schemas and
// the replies their acks carry, and the server→client events with their payloads.
//
// Our own fields are snake_case (meeting_id, user_id). Objects that mediasoup-client produces
// or consumes (RTP parameters and capabilities, ICE and DTLS parameters) keep mediasoup's own
// camelCase shapes, so a client passes them to mediasoup-client unchanged: the replies of
// transport:create and consume are exactly the options of Device.createSendTransport/…Recv
// and Transport.consume. The SFU validates those objects in depth; here they are checked
// for shape and size only.
import { z } from 'zod';
import type { Participation } from './intelligence.js';

export const MEDIA_SOURCES = ['mic', 'camera', 'screen'] as const;
/** What a producer carries; a peer has at most one producer per source. */
export type MediaSource = (typeof MEDIA_SOURCES)[number];
export const MEDIA_KINDS = ['audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
export const KIND_OF_SOURCE: Record<MediaSource, MediaKind> = { mic: 'audio', camera: 'video', screen: 'video' };

const meetingId = z.number().int().positive().max(2 ** 31 - 1);
const userId = z.number().int().positive().max(2 ** 31 - 1);
/** mediasoup ids are UUIDs. */
const mediaId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, { error: 'is not a media id' });
const params = z.record(z.string().max(64), z.union([z.string().max(256), z.number(), z.boolean()]));
const rtcpFeedback = z.array(z.looseObject({ type: z.string().max(32), parameter: z.string().max(32).optional() })).max(16);

export const rtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z
    .array(
      z.looseObject({
        mimeType: z.string().max(64),
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
        channels: z.number().int().min(1).max(8).optional(),
        parameters: params.optional(),
        rtcpFeedback: rtcpFeedback.optional(),
      }),
    )
    .min(1)
    .max(16),
  headerExtensions: z.array(z.looseObject({ uri: z.string().max(256), id: z.number().int().min(1).max(255), encrypt: z.boolean().optional() })).max(32).optional(),
  encodings: z
    .array(
      z.looseObject({
        ssrc: z.number().int().min(0).max(2 ** 32 - 1).optional(),
        rid: z.string().max(32).optional(),
        rtx: z.looseObject({ ssrc: z.number().int().min(0).max(2 ** 32 - 1) }).optional(),
        scalabilityMode: z.string().max(16).optional(),
        maxBitrate: z.number().positive().optional(),
      }),
    )
    .max(8)
    .optional(),
  rtcp: z.looseObject({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});
export type RtpParametersPayload = z.infer<typeof rtpParametersSchema>;

export const rtpCapabilitiesSchema = z.looseObject({
  codecs: z
    .array(
      z.looseObject({
        kind: z.enum(MEDIA_KINDS),
        mimeType: z.string().max(64),
        preferredPayloadType: z.number().int().min(0).max(127).optional(),
        clockRate: z.number().int().positive(),
        channels: z.number().int().min(1).max(8).optional(),
        parameters: params.optional(),
        rtcpFeedback: rtcpFeedback.optional(),
      }),
    )
    .max(64)
    .optional(),
  headerExtensions: z
    .array(z.looseObject({ kind: z.enum(MEDIA_KINDS), uri: z.string().max(256), preferredId: z.number().int().min(1).max(255) }))
    .max(64)
    .optional(),
});
export type RtpCapabilitiesPayload = z.infer<typeof rtpCapabilitiesSchema>;

export const dtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: z.string().max(32), value: z.string().max(256) })).min(1).max(8),
});
export type DtlsParametersPayload = z.infer<typeof dtlsParametersSchema>;

const meetingRef = { meeting_id: meetingId };
/** Opaque to the client (the server makes 43 base64url characters); checked for shape and size only. */
const resumeToken = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a resume token' });

// The client's RTP capabilities (its Device's, what it can receive) are told once and kept on
// the peer, not repeated on every consume. A first join cannot carry them: the Device loads
// from the router's capabilities in the join reply. They come with the receive transport
// instead: every consume needs one, it is created right after Device.load(), and after a
// meeting is rebuilt (possibly new router capabilities) a new one is created anyway, so the
// capabilities are renewed at the moment they may change, without an extra round trip. A
// returning client whose Device is loaded already may give them with meeting:join.
export const mediaClientEvents = {
  /**
   * rtp_capabilities: the Device's, when it is loaded already (a rejoin); otherwise give them with the recv transport.
   * resume_token: the last join reply's, when this client joins again (see MeetingJoinReply).
   */
  'meeting:join': z.strictObject({ ...meetingRef, rtp_capabilities: rtpCapabilitiesSchema.optional(), resume_token: resumeToken.optional() }),
  'meeting:leave': z.strictObject(meetingRef),
  /** rtp_capabilities (recv only): what this client can receive; kept for every consume on this peer. */
  'transport:create': z
    .strictObject({ ...meetingRef, direction: z.enum(['send', 'recv']), rtp_capabilities: rtpCapabilitiesSchema.optional() })
    .refine((p) => p.direction === 'recv' || p.rtp_capabilities === undefined, {
      error: 'rtp_capabilities go with the recv transport (they say what this client can receive)',
      path: ['rtp_capabilities'],
    }),
  'transport:connect': z.strictObject({ ...meetingRef, transport_id: mediaId, dtls_parameters: dtlsParametersSchema }),
  'transport:restart-ice': z.strictObject({ ...meetingRef, transport_id: mediaId }),
  produce: z
    .strictObject({
      ...meetingRef,
      transport_id: mediaId,
      kind: z.enum(MEDIA_KINDS),
      source: z.enum(MEDIA_SOURCES),
      rtp_parameters: rtpParametersSchema,
      paused: z.boolean().default(false),
    })
    .refine((p) => KIND_OF_SOURCE[p.source] === p.kind, { error: 'kind does not match source (mic: audio, camera and screen: video)', path: ['kind'] }),
  /** rtp_capabilities: only for clients that send them every time; otherwise those told at join or with the recv transport are used. */
  consume: z.strictObject({ ...meetingRef, transport_id: mediaId, producer_id: mediaId, rtp_capabilities: rtpCapabilitiesSchema.optional() }),
  'consumer:resume': z.strictObject({ ...meetingRef, consumer_id: mediaId }),
  'consumer:pause': z.strictObject({ ...meetingRef, consumer_id: mediaId }),
  'consumer:set-layers': z
    .strictObject({
      ...meetingRef,
      consumer_id: mediaId,
      spatial_layer: z.number().int().min(0).max(15).optional(),
      temporal_layer: z.number().int().min(0).max(15).optional(),
      /** 1–255: when bandwidth is short, higher priorities get their layers first. */
      priority: z.number().int().min(1).max(255).optional(),
    })
    .refine((p) => p.spatial_layer !== undefined || p.priority !== undefined, { error: 'give spatial_layer, priority or both' }),
  'producer:pause': z.strictObject({ ...meetingRef, producer_id: mediaId }),
  'producer:resume': z.strictObject({ ...meetingRef, producer_id: mediaId }),
  'producer:close': z.strictObject({ ...meetingRef, producer_id: mediaId }),
  // Moderation (owners and moderators; the signaling layer checks meeting.moderate / meeting.end).
  /** muted: pause the member's microphone and lock it; false lifts the lock (the member resumes it). */
  'peer:mute': z.strictObject({ ...meetingRef, user_id: userId, muted: z.boolean() }),
  'peer:stop-video': z.strictObject({ ...meetingRef, user_id: userId }),
  'peer:remove': z.strictObject({ ...meetingRef, user_id: userId }),
  /** allowed: false closes the member's producers and refuses new ones until allowed again. */
  'peer:publish': z.strictObject({ ...meetingRef, user_id: userId, allowed: z.boolean() }),
  'meeting:end': z.strictObject(meetingRef),
  // Raised hands (the queue of who asked to speak, first raised first).
  /** Anyone in the meeting, for themselves: raised puts them at the end of the queue (again: keeps their place); false takes them out. */
  'hand:raise': z.strictObject({ ...meetingRef, raised: z.boolean() }),
  /** Owners and moderators (meeting.lower_hands): takes someone's hand down. */
  'hand:lower': z.strictObject({ ...meetingRef, user_id: userId }),
} as const;

export type MediaClientEvent = keyof typeof mediaClientEvents;
export type MediaClientPayload<E extends MediaClientEvent> = z.output<(typeof mediaClientEvents)[E]>;
export type MediaClientInput<E extends MediaClientEvent> = z.input<(typeof mediaClientEvents)[E]>;

export interface ProducerInfo {
  id: string;
  user_id: number;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface PeerRights {
  /** False once a moderator revoked the right to publish. */
  can_publish: boolean;
  /** True while a moderator keeps the microphone muted. */
  mic_locked: boolean;
}

/** One raised hand; the queue lists them in the order they went up. */
export interface RaisedHand {
  user_id: number;
  /** ISO 8601. */
  raised_at: string;
}

/** The whole queue, as every change tells it (a client replaces its copy). */
export interface HandsState {
  meeting_id: number;
  queue: RaisedHand[];
}

export interface PeerInfo extends PeerRights {
  user_id: number;
  producers: ProducerInfo[];
}

export interface IceParametersPayload {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidatePayload {
  foundation: string;
  priority: number;
  ip: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host';
  tcpType?: 'passive';
}

export interface TransportOptionsReply {
  id: string;
  iceParameters: IceParametersPayload;
  iceCandidates: IceCandidatePayload[];
  dtlsParameters: DtlsParametersPayload;
  /** recv only: a consumer (paused) of every producer in the meeting, made with the transport. */
  consumers?: ConsumerReply[];
}

export interface ConsumerReply {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParametersPayload;
  /** simple, simulcast or svc: only the last two have layers to choose from. */
  type: string;
  producerPaused: boolean;
  user_id: number;
  source: MediaSource;
}

/** A consumer the server holds for the peer, as a returning client needs it to match its own. */
export interface ConsumerInfo {
  id: string;
  producer_id: string;
  /** Whose producer it receives, and which of their sources. */
  user_id: number;
  kind: MediaKind;
  source: MediaSource;
  /** Paused by the receiver (consumer:pause, or not resumed yet). */
  paused: boolean;
  /** Paused by the sender (or a moderator). */
  producer_paused: boolean;
}

/**
 * The whole state a client needs after joining, so that a client coming back (a Socket.IO
 * reconnect: a new socket, the same user) replaces its view instead of diffing by hand:
 *
 * - First join, or the old peer is gone (its grace period ran out, it left, or it was
 *   removed): `resumed: false`, `recreate_transports: true`, no transports, producers or
 *   consumers. Close whatever media is left locally and start afresh.
 * - Back within the grace period (SFU_RECONNECT_GRACE_MS), or back with the resume token
 *   while the server still held the old connection (see MeetingJoinReply): `resumed: true`. With
 *   `recreate_transports: false` the server kept the peer's media: `transports`, `producers`
 *   and `consumers` are exactly what it holds; restart ICE on each transport and keep using
 *   them, close local producers/consumers missing from these lists (they closed while the
 *   socket was away), and consume the others' producers listed in `peers` that no consumer
 *   receives yet. A client that lost its local transports (a page reload) creates new ones:
 *   each replaces the kept one of its direction, with what ran on it.
 * - `resumed: true` with `recreate_transports: true`: the peer stayed but its media did not
 *   (another tab took it over, whose transports were closed; or the meeting was rebuilt on
 *   another worker while the socket was away): create new transports, produce again.
 *
 * `self` and `peers` always carry the current rights (a moderator's lock holds across a
 * reconnect) and every producer with its paused state.
 */
export interface JoinReply {
  meeting_id: number;
  /** The router's: load the Device from them (they change only with meeting:rebuilt). */
  rtp_capabilities: RtpCapabilitiesPayload;
  self: PeerRights & { user_id: number };
  /** Everybody else in the meeting, with their rights and what they publish. */
  peers: PeerInfo[];
  /** True when this peer was still there (reconnected within the grace period or with the resume token, or another tab of theirs held it). */
  resumed: boolean;
  /** True when the server holds no transport of this peer: create new ones (see above). */
  recreate_transports: boolean;
  /** The peer's transports the server kept (restart their ICE). */
  transports: { id: string; direction: 'send' | 'recv' }[];
  /** What the peer publishes on the kept send transport. */
  producers: ProducerInfo[];
  /** What the peer receives on the kept recv transport. */
  consumers: ConsumerInfo[];
  /** Whether the server holds the client's RTP capabilities (else send them with the recv transport or a consume). */
  rtp_capabilities_known: boolean;
  /** Who spoke last (the dominant speaker), if anybody has yet. */
  active_speaker: number | null;
  /** Whether what is said is transcribed, and whose voice never is: told on joining and on every change. */
  transcription: TranscriptionState;
  /** Raised hands, first raised first (meeting:hands repeats the queue on every change). */
  hands: RaisedHand[];
}

/**
 * The reply to meeting:join: the state the SFU holds (JoinReply) and the resume token. The token is
 * bound to this user's place in this meeting as this connection took it, and changes with every
 * join. Keep it in the tab's memory only (another tab or device must not have it) and send it
 * with the next meeting:join: a join that presents the current token is this same client
 * coming back on a new connection before the server noticed the old one was gone (a network
 * switch, a laptop lid), so the old connection is closed quietly and the peer, with its media,
 * hand and moderators' decisions, carries on as after a reconnect within the grace period; the
 * others see nothing. Without it, or with an older one, a join while another connection holds
 * the place is another tab taking over (the first hears `peer:left` with reason `replaced`).
 */
export interface MeetingJoinReply extends JoinReply {
  resume_token: string;
}

/** One utterance of the meeting: who spoke, when (ms from the meeting's start) and, where a recogniser runs, what. */
export interface TranscriptSegmentPayload {
  id: number;
  speaker_id: number;
  start_ms: number;
  end_ms: number;
  /** Empty where no recogniser runs (ASR_ENGINE=none) or it fell too far behind. */
  text: string;
  confidence: number | null;
  engine: string;
  language: string | null;
}

export interface TranscriptionState {
  on: boolean;
  /** Members in the meeting who opted out of transcription: their audio is never processed. */
  opted_out: number[];
}

export interface MediaReplies {
  'meeting:join': MeetingJoinReply;
  'meeting:leave': { meeting_id: number };
  'transport:create': TransportOptionsReply;
  'transport:connect': Record<string, never>;
  'transport:restart-ice': { iceParameters: IceParametersPayload };
  produce: { id: string; paused: boolean };
  consume: ConsumerReply;
  'consumer:resume': Record<string, never>;
  'consumer:pause': Record<string, never>;
  'consumer:set-layers': Record<string, never>;
  'producer:pause': Record<string, never>;
  'producer:resume': Record<string, never>;
  'producer:close': Record<string, never>;
  'peer:mute': PeerRights & { user_id: number };
  'peer:stop-video': { closed: string[] };
  'peer:remove': { user_id: number };
  'peer:publish': PeerRights & { user_id: number };
  'meeting:end': { meeting_id: number };
  'hand:raise': HandsState;
  'hand:lower': HandsState;
}

export type PeerLeftReason = 'left' | 'timeout' | 'removed' | 'removed_from_club' | 'meeting_ended' | 'replaced';
export type ProducerClosedReason = 'closed' | 'left' | 'moderator' | 'publish_revoked';
/**
 * media_failure: the media server could not carry the meeting on; joining again may work later.
 * moved: another node holds the meeting now; join again (the answer says where).
 */
export type MeetingEndedReason = 'ended' | 'server_shutdown' | 'media_failure' | 'moved';

/** Server→client payloads, by event name. Each is delivered to the user ids the SFU names. */
export interface MediaServerPayloads {
  'peer:joined': { meeting_id: number; peer: PeerInfo };
  /** Sent to the others, and to the peer itself when it was removed or timed out. */
  'peer:left': { meeting_id: number; user_id: number; reason: PeerLeftReason };
  'peer:rights': { meeting_id: number; user_id: number } & PeerRights;
  'producer:new': { meeting_id: number; producer: ProducerInfo };
  'producer:closed': { meeting_id: number; producer_id: string; user_id: number; reason: ProducerClosedReason };
  /** by_moderator: the microphone was muted by a moderator (the member may not resume it while locked). */
  'producer:paused': { meeting_id: number; producer_id: string; user_id: number; by_moderator: boolean };
  'producer:resumed': { meeting_id: number; producer_id: string; user_id: number };
  /**
   * To the muted member only: a moderator muted them. The server has paused the producer
   * already and drops what arrives; pause your own (mediasoup-client Producer.pause()) so the
   * microphone stops uploading. A producer created while muted starts paused (its produce
   * reply says paused: true), and a rejoin's `self.mic_locked` says so too.
   */
  'producer:pause-requested': { meeting_id: number; producer_id: string; reason: 'moderator' };
  /** To the member only: the moderator's lock is lifted; the member may resume the producer (producer:resume) when they choose. */
  'producer:resume-allowed': { meeting_id: number; producer_id: string; reason: 'moderator' };
  'consumer:closed': { meeting_id: number; consumer_id: string; producer_id: string };
  /** null layers: nothing is being forwarded (e.g. the producer's layers are all inactive). */
  'consumer:layers': { meeting_id: number; consumer_id: string; spatial_layer: number | null; temporal_layer: number | null };
  'active-speaker': { meeting_id: number; user_id: number; producer_id: string };
  /** Volumes in dBov (−127 silent … 0 loudest) of the members speaking, loudest first. */
  'audio-levels': { meeting_id: number; levels: { user_id: number; volume: number }[] };
  'meeting:ended': { meeting_id: number; reason: MeetingEndedReason };
  /** The raised hands changed (raised, lowered, or their person left): the whole queue, to everyone. */
  'meeting:hands': HandsState;
  /** Transcription was turned on or off, or someone in the meeting opted out or back in. */
  'meeting:transcription': { meeting_id: number } & TranscriptionState;
  /** A new line of the transcript. */
  'transcript:segment': { meeting_id: number; segment: TranscriptSegmentPayload };
  /** Talk time so far, per member, for those who moderate the meeting (signaling filters by role). */
  'meeting:participation': { club_id: number } & Participation;
  /**
   * The meeting moved to another media worker (the old one failed). Every transport, producer
   * and consumer is gone: close yours, load these capabilities if they differ, create new
   * transports, produce again and consume the producers announced next. No page reload.
   */
  'meeting:rebuilt': { meeting_id: number; rtp_capabilities: RtpCapabilitiesPayload };
}

export type MediaServerEvent = keyof MediaServerPayloads;

/** One server→client event and who gets it. */
export type MediaDelivery = { [E in MediaServerEvent]: { event: E; to: number[]; payload: MediaServerPayloads[E] } }[MediaServerEvent];

export type MediaServerToClientEvents = { [E in MediaServerEvent]: (payload: MediaServerPayloads[E]) => void };

/**
 * What the signaling layer hands the SFU when someone joins: who, into which club's meeting, and
 * what the permission table and the club allow them (the SFU enforces the media rules on top).
 */
export interface MediaJoinIntent {
  meetingId: number;
  clubId: number;
  userId: number;
  /** The club's max_members: members and admitted guests together never exceed it in a meeting. */
  clubCapacity: number;
  /** Whether this person may publish at all (false for a listen-only guest, say); moderators may change it. */
  canPublish: boolean;
  /** May take a scheduled meeting live (moderators). */
  mayStart: boolean;
  /** Their audio is never tapped for transcription. */
  transcriptionOptOut: boolean;
  /** The client's RTP capabilities, when its join carried them. */
  rtpCapabilities?: RtpCapabilitiesPayload;
  /**
   * Another connection of theirs takes the peer over while the first still holds it: the
   * first connection's transports (and so its producers and consumers) are closed.
   */
  takeOver?: boolean;
}
