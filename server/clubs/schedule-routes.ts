// /api/clubs/:clubId/schedule/next and /api/clubs/:clubId/calendar.ics: when a club meets.
import { occurrenceListSchema, occurrenceQuerySchema } from '../../shared/protocol/discovery.js';
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import { renderCalendar } from './schedule-ics.js';
import { nextOccurrences } from './schedule.js';

const CALENDAR_DAYS = 90;
const CALENDAR_MAX_EVENTS = 100;

export function scheduleRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Schedule');
  // UIDs name the server by its public host, not the request's Host header, so they stay stable.
  const host = new URL(deps.config.http.publicUrl).hostname;

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
    ({ access, res }) => {
      const { club } = access;
      const now = new Date();
      const until = new Date(now.getTime() + CALENDAR_DAYS * 86_400_000);
      const occurrences = club.schedule ? nextOccurrences(club.schedule, now, CALENDAR_MAX_EVENTS, { until }) : [];
      res.setHeader('Content-Disposition', `inline; filename="club-${club.id}.ics"`);
      res.setHeader('Cache-Control', 'private, max-age=300');
      return renderCalendar(club, occurrences, host, now);
    },
  );

  return api;
}
