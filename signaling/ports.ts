// What the signaling service needs from the rest of the server, as narrow interfaces: the
// composition root passes the real services (which live in server/ and must not be imported
// from here), tests and benchmarks may pass their own.
import type { AccessClaims } from '../shared/auth/tokens.js';
import type { Role } from '../shared/permissions.js';
import type { ChatMessage } from '../shared/protocol/signaling.js';
import type { KnockDecision, KnockResponse } from '../shared/protocol/clubs.js';

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
  knock(clubId: number, userId: number, input: { message: string; password?: string }): Promise<{ knock: KnockResponse; created: boolean }>;
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
