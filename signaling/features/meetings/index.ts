// The meeting control channel: translates the meeting events of shared/protocol to calls on
// the SFU (MeetingMedia), after deciding with the permission table who may do what, and
// sends what the SFU reports to the socket that speaks for each peer (seats.ts). Media never
// passes through here; this module only holds who sits where.
import type { Bus } from '../../../shared/bus.js';
import { AppError } from '../../../shared/errors.js';
import { can } from '../../../shared/permissions.js';
import { mediaClientEvents, type JoinReply, type MediaClientEvent, type MeetingJoinReply } from '../../../shared/protocol/meetings-media.js';
import type { SignalingFeature, SignalingHub } from '../../hub.js';
import type { ClubDirectory, MeetingCatalog, MeetingLocator, MeetingMedia } from '../../ports.js';
import { bridgeBusToMedia } from './bridge.js';
import { deliver, route } from './deliver.js';
import { dropped, elsewhere, Guard, stillEntitled } from './guard.js';
import { MeetingSeats, presentsToken } from './seats.js';

const MEDIA = { bucket: 'media' } as const;
const RECHECK_MS = 30_000;

export interface MeetingsFeatureDeps {
  media: MeetingMedia;
  catalog: MeetingCatalog;
  locator: MeetingLocator;
  /** Who a moderation target is to the club (a moderator may act only on those below them). */
  directory: ClubDirectory;
  bus: Bus;
}

export function meetingsFeature(deps: MeetingsFeatureDeps): SignalingFeature & { stop(): void } {
  const seats = new MeetingSeats();
  const stops: Array<() => void> = [];
  const feature = (hub: SignalingHub) => {
    const { media } = deps;
    stops.push(media.subscribe((delivery) => route(seats, delivery)));
    stops.push(bridgeBusToMedia(deps.bus, media, hub.logger));
    const guard = new Guard(hub, deps, seats);

    hub.on('meeting:join', async ({ meeting_id, rtp_capabilities: rtpCapabilities, resume_token: resumeToken }, client): Promise<MeetingJoinReply> => {
      const facts = await guard.meeting(meeting_id);
      const { role } = await hub.clubRooms.authorize(client, facts.clubId, 'meeting.join');
      if (facts.status === 'ended' || facts.status === 'cancelled') throw new AppError('conflict', `This meeting is ${facts.status}`, { status: facts.status });
      const mayStart = can(role, 'meeting.create');
      if (facts.status === 'scheduled' && !mayStart) throw new AppError('conflict', 'This meeting has not started yet: it starts when a moderator joins', { status: facts.status });
      const place = await deps.locator.claim(meeting_id);
      if (!place.here) throw elsewhere(place.url);
      const transcriptionOptOut = await deps.catalog.transcriptionOptOut(client.userId);
      const seated = seats.of(meeting_id, client.userId);
      const holder = seated !== undefined && seated.client !== client && seated.client.connected ? seated : undefined;
      // The seat's current token: this client back on a new socket before its old one was noticed gone (half-open), not another tab.
      const returning = holder !== undefined && presentsToken(holder, resumeToken);
      const takeOver = holder !== undefined && !returning;
      // Seated before joining, so that whatever the SFU reports from the moment it answers reaches this socket.
      const { seat, displaced } = seats.take(meeting_id, facts.clubId, client);
      let reply: JoinReply;
      try {
        reply = await media.join({ meetingId: meeting_id, clubId: facts.clubId, userId: client.userId, clubCapacity: facts.clubCapacity, canPublish: true, mayStart, transcriptionOptOut, takeOver, rtpCapabilities });
      } catch (err) {
        // Only this attempt's seat goes; the one it displaced comes back if nobody took the place meanwhile.
        if (seats.releaseIfCurrent(seat) && displaced) {
          if (displaced.client.connected) seats.put(displaced);
          else await dropped(media, displaced.client, meeting_id);
        }
        throw err;
      }
      if (!(await stillEntitled(hub, client, facts.clubId))) {
        seats.releaseIfCurrent(seat);
        await media.leave(client.userId, { meeting_id }).catch(() => undefined);
        throw new AppError('forbidden', 'You are no longer in this club');
      }
      if (holder && takeOver) deliver(holder.client, 'peer:left', { meeting_id, user_id: client.userId, reason: 'replaced' });
      // The old socket is this client's dead one: closed now, not at its ping timeout. It no longer holds this seat, so nobody hears of it.
      if (holder && returning) holder.client.socket.disconnect(true);
      if (!client.connected) {
        // Gone while joining: the peer waits out the grace period like any dropped one, unless another tab holds it.
        seats.releaseIfCurrent(seat);
        if (!seats.of(meeting_id, client.userId)?.client.connected) await dropped(media, client, meeting_id);
      }
      return { ...reply, resume_token: seat.resumeToken };
    });

    // Leaving always works, whatever the user's standing in the club has become.
    hub.on('meeting:leave', async (p, client) => {
      guard.seated(client, p.meeting_id);
      seats.release(p.meeting_id, client.userId);
      return media.leave(client.userId, p);
    });

    // The peer's own media: only the seated socket acts for it (the seat is the authorization, see guard.ts).
    hub.on('transport:create', async (p, client) => (guard.seated(client, p.meeting_id), media.createTransport(client.userId, p)), MEDIA);
    hub.on('transport:connect', async (p, client) => (guard.seated(client, p.meeting_id), media.connectTransport(client.userId, p)), MEDIA);
    hub.on('transport:restart-ice', async (p, client) => (guard.seated(client, p.meeting_id), media.restartIce(client.userId, p)), MEDIA);
    hub.on('produce', async (p, client) => (guard.seated(client, p.meeting_id), media.produce(client.userId, p)), MEDIA);
    hub.on('consume', async (p, client) => (guard.seated(client, p.meeting_id), media.consume(client.userId, p)), MEDIA);
    hub.on('consumer:resume', async (p, client) => (guard.seated(client, p.meeting_id), media.resumeConsumer(client.userId, p)), MEDIA);
    hub.on('consumer:pause', async (p, client) => (guard.seated(client, p.meeting_id), media.pauseConsumer(client.userId, p)), MEDIA);
    hub.on('consumer:set-layers', async (p, client) => (guard.seated(client, p.meeting_id), media.setConsumerLayers(client.userId, p)), MEDIA);
    hub.on('producer:pause', async (p, client) => (guard.seated(client, p.meeting_id), media.pauseProducer(client.userId, p)), MEDIA);
    hub.on('producer:resume', async (p, client) => (guard.seated(client, p.meeting_id), media.resumeProducer(client.userId, p)), MEDIA);
    hub.on('producer:close', async (p, client) => (guard.seated(client, p.meeting_id), media.closeProducer(client.userId, p)), MEDIA);

    // Moderation: owners and moderators, on people they outrank (and on themselves, only to restrict).
    hub.on('peer:mute', async (p, client) => (await guard.moderating(client, p, !p.muted), media.mute(p)));
    hub.on('peer:stop-video', async (p, client) => (await guard.moderating(client, p, false), media.stopVideo(p)));
    hub.on('peer:publish', async (p, client) => (await guard.moderating(client, p, p.allowed), media.setPublishRight(p)));
    hub.on('peer:remove', async (p, client) => {
      if (p.user_id === client.userId) throw new AppError('bad_request', 'To leave the meeting yourself, send meeting:leave');
      await guard.moderating(client, p, false);
      const reply = await media.removePeer(p);
      seats.release(p.meeting_id, p.user_id);
      return reply;
    });

    // Raised hands: one's own through the seat; someone else's takes meeting.lower_hands. The general rate limit applies.
    hub.on('hand:raise', async (p, client) => (guard.seated(client, p.meeting_id), media.raiseHand(client.userId, p)));
    hub.on('hand:lower', async (p, client) => {
      if (p.user_id === client.userId) return (guard.seated(client, p.meeting_id), media.raiseHand(client.userId, { meeting_id: p.meeting_id, raised: false }));
      await guard.permitted(client, p.meeting_id, 'meeting.lower_hands');
      return media.lowerHand(p);
    });

    // Ending works from any node: the record ends here, and the bus tells the node with the media.
    hub.on('meeting:end', async ({ meeting_id }, client) => {
      const facts = await guard.meeting(meeting_id);
      await hub.clubRooms.authorize(client, facts.clubId, 'meeting.end');
      return media.endMeeting(meeting_id);
    });

    // A guest pass that ran out (no event says so) ends the guest's place in the club's meetings.
    stops.push(hub.clubRooms.onRoleLost((client, clubId) => media.removeFromClub(clubId, client.userId)));

    // Seated people whose standing is not cached (guests) are read again now and then: a pass ends without an event.
    const recheck = setInterval(() => {
      for (const seat of seats.all()) {
        hub.clubRooms.authorize(seat.client, seat.clubId, 'meeting.join').catch((err: unknown) => {
          // Only a clear no takes someone out; a database hiccup does not empty the meetings.
          if (err instanceof AppError && (err.code === 'forbidden' || err.code === 'not_found')) media.removeFromClub(seat.clubId, seat.client.userId);
          else hub.logger.warn({ err, userId: seat.client.userId }, 'could not re-check a meeting seat');
        });
      }
    }, RECHECK_MS);
    recheck.unref();
    stops.push(() => clearInterval(recheck));

    hub.onDisconnect((client) => {
      for (const seat of seats.releaseClient(client)) void dropped(media, client, seat.meetingId);
    });
  };
  return Object.assign(feature, { stop: () => stops.splice(0).forEach((stop) => stop()) });
}

/** Without media workers (SFU_WORKERS=0) every meeting event gets the same clear answer. */
export function meetingsUnavailable(): SignalingFeature {
  return (hub) => {
    for (const event of Object.keys(mediaClientEvents) as MediaClientEvent[]) {
      hub.on(event, () => {
        throw new AppError('not_ready', 'Meetings are off on this server: it runs without media workers (SFU_WORKERS=0)');
      });
    }
  };
}
