// The Socket.IO protocol: every client→server event with its zod schema and the reply its ack
// carries, every server→client event with its payload. The server validates with these
// schemas; the web client types its socket with ClientToServerEvents / ServerToClientEvents.
//
// Every client event may carry an ack; it is answered `{ok: true, …reply}` or
// `{ok: false, error: {code, message, details?}}` (codes from shared/errors.ts). An event sent
// without an ack that fails is answered with a `protocol:error` event instead.
//
// Each feature has its own `…ClientEvents` schema map and `…Replies` interface, merged into
// the maps below; the meeting control channel's live in meetings-media.ts.
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { ClubRole, Role } from '../permissions.js';
import type { ClubEventEnvelope } from './club-events.js';
import { KNOCK_DECISIONS, type KnockResponse } from './clubs.js';
import type { InboxItem } from './intelligence.js';
import type { RecordingProgress } from './recordings.js';
import { avatarUrlSchema } from './users.js';
import { mediaClientEvents, type MediaReplies, type MediaServerToClientEvents } from './meetings-media.js';

export const CHAT_BODY_MAX = 2000;

const clubId = z.number().int().positive().max(2 ** 31 - 1);
const messageId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const clubRefSchema = z.strictObject({ club_id: clubId });

// Core: authentication, following clubs, knocks, presence.
export const coreClientEvents = {
  'auth:refresh': z.strictObject({ token: z.string().min(1).max(8192) }),
  'club:watch': clubRefSchema,
  'club:unwatch': clubRefSchema,
  'club:knock': z.strictObject({
    club_id: clubId,
    message: z.string().trim().max(500).default(''),
    password: z.string().max(128).optional(),
  }),
  'membership:decide': z.strictObject({ club_id: clubId, knock_id: z.number().int().positive().max(2 ** 31 - 1), decision: z.enum(KNOCK_DECISIONS) }),
  'presence:list': clubRefSchema,
} as const;

// Chat.
export const chatClientEvents = {
  'chat:send': z.strictObject({
    club_id: clubId,
    /** Chosen by the client (a UUID, say); resending with the same one never duplicates. */
    client_id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, { error: 'may contain only letters, digits, "_" and "-"' }),
    body: z.string().trim().min(1, { error: 'must not be empty' }).max(CHAT_BODY_MAX, { error: `must be at most ${CHAT_BODY_MAX} characters` }),
  }),
  'chat:edit': z.strictObject({
    club_id: clubId,
    message_id: messageId,
    body: z.string().trim().min(1, { error: 'must not be empty' }).max(CHAT_BODY_MAX, { error: `must be at most ${CHAT_BODY_MAX} characters` }),
  }),
  'chat:delete': z.strictObject({ club_id: clubId, message_id: messageId }),
  'chat:typing': z.strictObject({ club_id: clubId, typing: z.boolean() }),
  'chat:read': z.strictObject({ club_id: clubId, message_id: messageId }),
} as const;

export const chatMessageSchema = z.object({
  id: z.number(),
  club_id: z.number(),
  author_id: z.number(),
  /** The author's profile picture (null without one, or once they are gone). */
  author_avatar_url: avatarUrlSchema,
  client_id: z.string(),
  /** Empty once deleted. */
  body: z.string(),
  created_at: z.string(),
  edited_at: z.string().nullable(),
  deleted_at: z.string().nullable(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const readMarkerSchema = z.object({ club_id: z.number(), message_id: z.number().nullable(), updated_at: z.string().nullable() });
export type ReadMarker = z.infer<typeof readMarkerSchema>;

export const clientEventSchemas = { ...coreClientEvents, ...chatClientEvents, ...mediaClientEvents };
export type ClientEvent = keyof typeof clientEventSchemas;
/** A client event's payload after validation (defaults applied). */
export type ClientPayload<E extends ClientEvent> = z.output<(typeof clientEventSchemas)[E]>;
/** What a client sends (defaults may be left out). */
export type ClientInput<E extends ClientEvent> = z.input<(typeof clientEventSchemas)[E]>;

export interface PresenceSnapshot {
  club_id: number;
  /** Ids of the members (and guests) with at least one socket open, however many tabs. */
  online: number[];
  /** Grows with every change of the club's presence: keep the update with the highest. */
  version: number;
}

export interface CoreReplies {
  'auth:refresh': { expires_at: string };
  /** `club`: the socket is in the club's room (member or guest); `watchers`: following a public club. */
  'club:watch': { club_id: number; role: Role; room: 'club' | 'watchers' };
  'club:unwatch': { club_id: number };
  'club:knock': { knock: KnockResponse; created: boolean };
  'membership:decide': { knock: KnockResponse };
  'presence:list': PresenceSnapshot;
}

export interface ChatReplies {
  /** `duplicate`: this client_id was stored before; the stored message is returned, nothing is broadcast. */
  'chat:send': { message: ChatMessage; duplicate: boolean };
  'chat:edit': { message: ChatMessage };
  'chat:delete': { message: ChatMessage };
  'chat:typing': Record<string, never>;
  'chat:read': { club_id: number; message_id: number };
}

export type ClientReplies = CoreReplies & ChatReplies & MediaReplies;

export interface SignalingError {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: SignalingError };

export type ClientToServerEvents = {
  [E in ClientEvent]: (payload: ClientInput<E>, ack: (reply: Ack<ClientReplies[E]>) => void) => void;
};

/** Why a socket lost a club's room. */
export type ClubExitReason = 'removed' | 'banned' | 'left' | 'club_deleted';

/** Meeting events (peer:joined, producer:new, meeting:ended, …) come from meetings-media.ts. */
export interface ServerToClientEvents extends MediaServerToClientEvents {
  'presence:update': (snapshot: PresenceSnapshot) => void;
  /** To owners and moderators online, the moment someone knocks. */
  'membership:requested': (event: { club_id: number; knock: KnockResponse }) => void;
  /** To the knocker: admitted as member / admitted once / refused. Admitted sockets are already in the room. */
  'membership:decided': (event: { club_id: number; knock: KnockResponse }) => void;
  /** On connect, to owners and moderators: knocks that wait for them. */
  'membership:pending': (event: { club_id: number; knocks: KnockResponse[] }) => void;
  'chat:message': (message: ChatMessage) => void;
  'chat:edited': (message: ChatMessage) => void;
  'chat:deleted': (message: ChatMessage) => void;
  /** Volatile (dropped, not queued, when a connection is busy): clients repeat `typing: true` while typing. */
  'chat:typing': (event: { club_id: number; user_id: number; typing: boolean }) => void;
  /** To the reader's other sockets: the read marker moved. */
  'chat:read': (event: { club_id: number; message_id: number }) => void;
  /** Everything that changes in a club (REST or real-time), as published on the bus. */
  'club:event': (envelope: ClubEventEnvelope) => void;
  /** To the member concerned: joined a club (the socket is now in its room). */
  'member:joined': (event: { club_id: number; role: ClubRole }) => void;
  /** To the member concerned: new role, in force at once. */
  'member:role_changed': (event: { club_id: number; role: ClubRole }) => void;
  /** To the member concerned: the socket has left the club's room and lost its rights there. */
  'member:removed': (event: { club_id: number; reason: ClubExitReason }) => void;
  /** The access token expired without `auth:refresh`; the server disconnects next. */
  'auth:expired': (event: { message: string }) => void;
  /** The login session was ended (logout, logout-all, password change); the server disconnects next. */
  'auth:revoked': (event: { reason: string }) => void;
  /** To the owner of an image project: its job moved on. */
  'project:progress': (event: { project_id: number; job_id: number; done: number; total: number; status: 'running' | 'completed' | 'failed' }) => void;
  /** To the member concerned: a new inbox item (e.g. what they missed in a meeting). */
  'inbox:item': (item: InboxItem) => void;
  /** To whoever uploaded a meeting's recordings: their transcription moved on. */
  'recording:progress': (event: RecordingProgress) => void;
  /** An event sent without an ack failed. */
  'protocol:error': (event: { event: string; error: SignalingError }) => void;
}

/** What the handshake's `auth` carries. */
export interface HandshakeAuth {
  token: string;
}
