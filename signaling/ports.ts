// What the signaling service needs from the rest of the server, as narrow interfaces: the
// composition root passes the real services (which live in server/ and must not be imported
// from here), tests and benchmarks may pass their own.
import type { IncomingMessage } from 'node:http';
import type { AccessClaims } from '../shared/auth/tokens.js';
import type { Role } from '../shared/permissions.js';
import type { ChatMessage } from '../shared/protocol/signaling.js';
import type { KnockDecision, KnockResponse } from '../shared/protocol/clubs.js';
import type { JoinReply, MediaClientPayload, MediaDelivery, MediaJoinIntent, MediaReplies, MeetingEndedReason } from '../shared/protocol/meetings-media.js';

export interface AccessTokens {
  /** Throws an AppError with a token_* code when the token is not a valid access token. */
  verifyAccess(token: string): Promise<AccessClaims>;
}

export interface SessionLiveness {
  /** Throws token_revoked unless the token's login session still stands. */
  assertLive(claims: AccessClaims): Promise<void>;
}

export interface ClubStanding {
  club: { id: number; visibility: 'public' | 'private' };
  role: Role;
  status: 'active' | 'banned' | 'pending' | 'none';
}

export interface ClubDirectory {
  /** Who the user is to the club; null when the club does not exist. */
  resolve(clubId: number, userId: number): Promise<ClubStanding | null>;
  /** The clubs the user is an active member of, with the role in each. */
  clubsOf(userId: number): Promise<Array<{ clubId: number; role: Role }>>;
}

export interface MembershipDesk {
  /** `request` is the socket's handshake: the desk reads the client address from it (password guesses are limited per address). */
  knock(clubId: number, userId: number, input: { message: string; password?: string }, request: IncomingMessage): Promise<{ knock: KnockResponse; created: boolean }>;
  decide(clubId: number, knockId: number, deciderId: number, decision: KnockDecision): Promise<KnockResponse>;
  pendingKnocks(clubId: number, query: { limit: number }): Promise<{ items: KnockResponse[] }>;
}

export interface ChatLog {
  /** Stores the message unless (club, author, client_id) is already stored; returns the stored row either way. */
  send(clubId: number, authorId: number, clientId: string, body: string): Promise<{ message: ChatMessage; created: boolean }>;
  /** Authors edit their own messages; `moderator` may edit anyone's. */
  edit(clubId: number, messageId: number, actorId: number, moderator: boolean, body: string): Promise<ChatMessage>;
  remove(clubId: number, messageId: number, actorId: number, moderator: boolean): Promise<ChatMessage>;
  /** Moves the reader's marker forward (never back); returns where it now stands. */
  markRead(clubId: number, userId: number, messageId: number): Promise<number>;
}

/** A meeting's record, as signaling needs it to decide who may join. */
export interface MeetingFacts {
  id: number;
  clubId: number;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  /** The club's max_members: a meeting never seats more. */
  clubCapacity: number;
}

export interface MeetingCatalog {
  find(meetingId: number): Promise<MeetingFacts | null>;
  /** Whether the user asked never to have their audio tapped for transcription. */
  transcriptionOptOut(userId: number): Promise<boolean>;
}

/** Which node carries a meeting's media (every node, alone; a Redis directory across nodes). */
export interface MeetingLocator {
  /** Claims the meeting for this node unless another live node holds it; `url` is where it lives. */
  claim(meetingId: number): Promise<{ here: true } | { here: false; url: string }>;
  /** Where another live node holds the meeting; null when none does. */
  locate(meetingId: number): Promise<string | null>;
}

/** The SFU's side of the meeting control channel (sfu/MeetingHub), as signaling calls it. */
export interface MeetingMedia {
  subscribe(listener: (delivery: MediaDelivery) => void): () => void;
  join(intent: MediaJoinIntent): Promise<JoinReply>;
  leave(userId: number, p: MediaClientPayload<'meeting:leave'>): Promise<MediaReplies['meeting:leave']>;
  disconnected(meetingId: number, userId: number): void;
  createTransport(userId: number, p: MediaClientPayload<'transport:create'>): Promise<MediaReplies['transport:create']>;
  connectTransport(userId: number, p: MediaClientPayload<'transport:connect'>): Promise<MediaReplies['transport:connect']>;
  restartIce(userId: number, p: MediaClientPayload<'transport:restart-ice'>): Promise<MediaReplies['transport:restart-ice']>;
  produce(userId: number, p: MediaClientPayload<'produce'>): Promise<MediaReplies['produce']>;
  consume(userId: number, p: MediaClientPayload<'consume'>): Promise<MediaReplies['consume']>;
  resumeConsumer(userId: number, p: MediaClientPayload<'consumer:resume'>): Promise<MediaReplies['consumer:resume']>;
  pauseConsumer(userId: number, p: MediaClientPayload<'consumer:pause'>): Promise<MediaReplies['consumer:pause']>;
  setConsumerLayers(userId: number, p: MediaClientPayload<'consumer:set-layers'>): Promise<MediaReplies['consumer:set-layers']>;
  pauseProducer(userId: number, p: MediaClientPayload<'producer:pause'>): Promise<MediaReplies['producer:pause']>;
  resumeProducer(userId: number, p: MediaClientPayload<'producer:resume'>): Promise<MediaReplies['producer:resume']>;
  closeProducer(userId: number, p: MediaClientPayload<'producer:close'>): Promise<MediaReplies['producer:close']>;
  mute(p: MediaClientPayload<'peer:mute'>): Promise<MediaReplies['peer:mute']>;
  stopVideo(p: MediaClientPayload<'peer:stop-video'>): Promise<MediaReplies['peer:stop-video']>;
  setPublishRight(p: MediaClientPayload<'peer:publish'>): Promise<MediaReplies['peer:publish']>;
  removePeer(p: MediaClientPayload<'peer:remove'>): Promise<MediaReplies['peer:remove']>;
  raiseHand(userId: number, p: MediaClientPayload<'hand:raise'>): Promise<MediaReplies['hand:raise']>;
  lowerHand(p: MediaClientPayload<'hand:lower'>): Promise<MediaReplies['hand:lower']>;
  endMeeting(meetingId: number, options?: { record?: boolean; reason?: MeetingEndedReason }): Promise<MediaReplies['meeting:end']>;
  /** The user's login session ended: their peers whose socket is gone leave now. */
  dropDisconnected(userId: number): void;
  removeFromClub(clubId: number, userId: number): void;
  endClubMeetings(clubId: number): void;
  setTranscriptionOptOut(userId: number, optOut: boolean): void;
  /** Whether hosted meetings are transcribed changed (one meeting, or a club's default): read it again. */
  refreshTranscription(which: { meetingId: number } | { clubId: number }): Promise<void>;
  /** Whether the meeting's media is open on this node. */
  hosts(meetingId: number): boolean;
}
