// The checks every meeting event goes through: the meeting exists, the socket holds the
// peer's seat, a moderator outranks the target and the media is on this node.
import { AppError } from '../../../shared/errors.js';
import { outranks, type Action } from '../../../shared/permissions.js';
import type { ClientSession } from '../../client.js';
import type { SignalingHub } from '../../hub.js';
import type { ClubDirectory, MeetingCatalog, MeetingFacts, MeetingLocator, MeetingMedia } from '../../ports.js';
import type { MeetingSeats, Seat } from './seats.js';

export interface GuardDeps {
  media: MeetingMedia;
  catalog: MeetingCatalog;
  locator: MeetingLocator;
  directory: ClubDirectory;
}

/** Whether the user still belongs to the club; a database error is no answer (the periodic re-check asks again). */
export async function stillEntitled(hub: SignalingHub, client: ClientSession, clubId: number): Promise<boolean> {
  try {
    await hub.clubRooms.authorize(client, clubId, 'meeting.join');
    return true;
  } catch (err) {
    if (err instanceof AppError && (err.code === 'forbidden' || err.code === 'not_found')) return false;
    hub.logger.warn({ err, userId: client.userId }, 'could not re-check a joining member');
    return true;
  }
}

/** A revoked session leaves at once; a dropped connection may come back within the grace period. */
export async function dropped(media: MeetingMedia, client: ClientSession, meetingId: number): Promise<void> {
  if (client.revokedReason) await media.leave(client.userId, { meeting_id: meetingId }).catch(() => undefined);
  else media.disconnected(meetingId, client.userId);
}

export function elsewhere(url: string): AppError {
  return new AppError('meeting_elsewhere', 'This meeting is held on another node: connect there and join again', { url });
}

export class Guard {
  constructor(
    private readonly hub: SignalingHub,
    private readonly deps: GuardDeps,
    private readonly seats: MeetingSeats,
  ) {}

  async meeting(meetingId: number): Promise<MeetingFacts> {
    const facts = await this.deps.catalog.find(meetingId);
    if (!facts) throw new AppError('not_found', 'Meeting not found');
    return facts;
  }

  /**
   * The socket holds the peer's seat. The seat itself is the authorization: it is taken away
   * at once when the user leaves the club (bus events, lost roles, the periodic re-check), so
   * media negotiation never waits on the database.
   */
  seated(client: ClientSession, meetingId: number): Seat {
    const seat = this.seats.held(meetingId, client);
    if (!seat) throw new AppError('not_found', 'You are not in this meeting on this connection; join it first');
    return seat;
  }

  /**
   * The actor may moderate the meeting's club, outranks the target, and the media is here. On
   * themselves, a moderator may only restrict (lifting a restriction takes someone above them).
   */
  async moderating(client: ClientSession, { meeting_id, user_id }: { meeting_id: number; user_id: number }, loosens: boolean): Promise<void> {
    const facts = await this.meeting(meeting_id);
    const { role } = await this.hub.clubRooms.authorize(client, facts.clubId, 'meeting.moderate');
    if (user_id !== client.userId || (loosens && role !== 'owner')) {
      const target = await this.deps.directory.resolve(facts.clubId, user_id);
      const targetRole = target?.role ?? 'outsider';
      if (!outranks(role, targetRole)) throw new AppError('forbidden', `A ${role} may not moderate a ${targetRole}`, { role, target_role: targetRole });
    }
    await this.hostedHere(meeting_id);
  }

  /** The actor's role in the meeting's club allows `action`, and the media is here. */
  async permitted(client: ClientSession, meetingId: number, action: Action): Promise<void> {
    const facts = await this.meeting(meetingId);
    await this.hub.clubRooms.authorize(client, facts.clubId, action);
    await this.hostedHere(meetingId);
  }

  private async hostedHere(meeting_id: number): Promise<void> {
    if (this.deps.media.hosts(meeting_id)) return;
    const url = await this.deps.locator.locate(meeting_id);
    if (url) throw elsewhere(url);
    throw new AppError('not_found', 'Nobody is in this meeting');
  }
}
