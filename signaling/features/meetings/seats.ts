// Which socket speaks for each peer of the meetings on this node. Media events go to that
// socket only (not to every tab of the user), and only that socket may act for the peer. A
// second socket joining takes the seat over; the first is told it was replaced.
import type { ClientSession } from '../../client.js';

export interface Seat {
  meetingId: number;
  clubId: number;
  client: ClientSession;
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
    const seat: Seat = { meetingId, clubId, client };
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
