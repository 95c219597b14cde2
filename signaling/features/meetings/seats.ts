// Which socket speaks for each peer of the meetings on this node. Media events go to that
// socket only (not to every tab of the user), and only that socket may act for the peer. A
// second socket joining takes the seat over; the first is told it was replaced, unless the
// join presents the seat's resume token: then it is the same client back on a new socket.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientSession } from '../../client.js';

export interface Seat {
  meetingId: number;
  clubId: number;
  client: ClientSession;
  /** Given to the client in the join reply: presenting it proves a later join is this client coming back. */
  readonly resumeToken: string;
}

/** Whether `token` is the seat's own resume token (compared in constant time). */
export function presentsToken(seat: Seat, token: string | undefined): boolean {
  if (token === undefined) return false;
  // Digests have one length, so the comparison neither throws nor tells the length.
  return timingSafeEqual(digest(token), digest(seat.resumeToken));
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class MeetingSeats {
  private readonly byMeeting = new Map<number, Map<number, Seat>>();
  private readonly byClient = new Map<ClientSession, Map<number, Seat>>();

  /**
   * Seats the client for its user with a new seat (each join attempt has its own, so that a
   * failed attempt releases only what it took); returns the seat it displaced, if any.
   */
  take(meetingId: number, clubId: number, client: ClientSession): { seat: Seat; displaced: Seat | undefined } {
    const displaced = this.of(meetingId, client.userId);
    if (displaced) this.release(meetingId, client.userId);
    // A new token for every seat: one that was handed out before proves nothing any more.
    const seat: Seat = { meetingId, clubId, client, resumeToken: randomBytes(32).toString('base64url') };
    this.put(seat);
    return { seat, displaced };
  }

  /** Puts a seat (back) in place. */
  put(seat: Seat): void {
    let peers = this.byMeeting.get(seat.meetingId);
    if (!peers) this.byMeeting.set(seat.meetingId, (peers = new Map<number, Seat>()));
    peers.set(seat.client.userId, seat);
    let held = this.byClient.get(seat.client);
    if (!held) this.byClient.set(seat.client, (held = new Map<number, Seat>()));
    held.set(seat.meetingId, seat);
  }

  /** Releases the seat only if it is still the one in place. */
  releaseIfCurrent(seat: Seat): boolean {
    if (this.of(seat.meetingId, seat.client.userId) !== seat) return false;
    this.release(seat.meetingId, seat.client.userId);
    return true;
  }

  of(meetingId: number, userId: number): Seat | undefined {
    return this.byMeeting.get(meetingId)?.get(userId);
  }

  /** The seat the client holds in the meeting, if it holds it. */
  held(meetingId: number, client: ClientSession): Seat | undefined {
    return this.byClient.get(client)?.get(meetingId);
  }

  release(meetingId: number, userId: number): Seat | undefined {
    const peers = this.byMeeting.get(meetingId);
    const seat = peers?.get(userId);
    if (!seat || !peers) return undefined;
    peers.delete(userId);
    if (peers.size === 0) this.byMeeting.delete(meetingId);
    const held = this.byClient.get(seat.client);
    held?.delete(meetingId);
    if (held?.size === 0) this.byClient.delete(seat.client);
    return seat;
  }

  releaseMeeting(meetingId: number): void {
    for (const userId of [...(this.byMeeting.get(meetingId)?.keys() ?? [])]) this.release(meetingId, userId);
  }

  /** The socket went away: every seat it held, released. */
  releaseClient(client: ClientSession): Seat[] {
    const seats = [...(this.byClient.get(client)?.values() ?? [])];
    for (const seat of seats) this.release(seat.meetingId, client.userId);
    return seats;
  }

  all(): Seat[] {
    return [...this.byMeeting.values()].flatMap((peers) => [...peers.values()]);
  }
}
