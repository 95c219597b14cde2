// /api/clubs/:clubId/schedule/next and /api/clubs/:clubId/calendar.ics: when a club meets; and
// the secret subscription addresses of that calendar (/api/calendar/feeds/:token.ics), which
// calendar apps poll without signing in.
import type { Response } from 'express';
import { calendarFeedSchema, calendarFeedTokenSchema } from '../../shared/protocol/calendar.js';
import { occurrenceListSchema, occurrenceQuerySchema } from '../../shared/protocol/discovery.js';
import { AppError } from '../../shared/errors.js';
import { Api } from '../http/api.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { FeatureDeps } from '../features.js';
import type { ClubRow } from './access.js';
import { feedTokenHash, type CalendarFeeds } from './calendar-feeds.js';
import { renderCalendar } from './schedule-ics.js';
import { nextOccurrences } from './schedule.js';

const CALENDAR_DAYS = 90;
const CALENDAR_MAX_EVENTS = 100;

export interface CalendarFeedDeps {
  feeds: CalendarFeeds;
  /** Fetches per address (keyed by the token's hash, never the token). */
  perToken: RateLimiter;
}

export function scheduleRoutes(deps: FeatureDeps, calendar: CalendarFeedDeps): Api {
  const api = new Api(deps, '/api', 'Schedule');
  // UIDs name the server by its public host, not the request's Host header, so they stay stable.
  const host = new URL(deps.config.http.publicUrl).hostname;

  const sendCalendar = (club: ClubRow, res: Response): string => {
    const now = new Date();
    const until = new Date(now.getTime() + CALENDAR_DAYS * 86_400_000);
    const occurrences = club.schedule ? nextOccurrences(club.schedule, now, CALENDAR_MAX_EVENTS, { until }) : [];
    res.setHeader('Content-Disposition', `inline; filename="club-${club.id}.ics"`);
    res.setHeader('Cache-Control', 'private, max-age=300');
    return renderCalendar(club, occurrences, host, now);
  };

  api.club(
    'get',
    '/clubs/:clubId/schedule/next',
    'content.read',
    { summary: 'The next meetings (UTC instants; none without a schedule)', query: occurrenceQuerySchema, response: occurrenceListSchema },
    ({ access, query }) => ({ items: access.club.schedule ? nextOccurrences(access.club.schedule, new Date(), query.count) : [] }),
  );

  api.club(
    'get',
    '/clubs/:clubId/calendar.ics',
    'content.read',
    { summary: `The meetings of the next ${CALENDAR_DAYS} days as an iCalendar file`, produces: 'text/calendar' },
    ({ access, res }) => sendCalendar(access.club, res),
  );

  api.club(
    'post',
    '/clubs/:clubId/calendar/feed',
    'calendar.subscribe',
    { summary: "The caller's secret subscription address of the club's calendar (made on first ask, then the same one)", response: calendarFeedSchema, status: 200 },
    ({ access, userId }) => calendar.feeds.current(access.club.id, userId),
  );

  api.club(
    'delete',
    '/clubs/:clubId/calendar/feed',
    'calendar.subscribe',
    { summary: "Revokes the caller's subscription address; the next POST makes a new one", status: 204 },
    async ({ access, userId }) => {
      await calendar.feeds.revoke(access.club.id, userId);
    },
  );

  api.open(
    'get',
    '/calendar/feeds/:token.ics',
    {
      summary: `A club's calendar (as calendar.ics) at a member's secret address, without signing in; 404 once revoked or the member has left`,
      produces: 'text/calendar',
      params: { token: calendarFeedTokenSchema },
      rateLimited: true,
    },
    async ({ param, res }) => {
      // A malformed token is a 404 before it costs anything; a well-formed one is counted, found or not.
      const token = param('token', 'Calendar');
      await calendar.perToken.consume(`feed:${feedTokenHash(token)}`);
      const club = await calendar.feeds.clubOf(token);
      if (!club) throw new AppError('not_found', 'Calendar not found');
      return sendCalendar(club, res);
    },
  );

  return api;
}
