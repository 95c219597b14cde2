// Meetings endpoints: scheduling, the club's upcoming and past meetings, and one meeting with
// who took part.
import { pageSchema } from '../../shared/protocol/common.js';
import { meetingCreateSchema, meetingDetailSchema, meetingListQuerySchema, meetingResponseSchema, meetingUpdateSchema } from '../../shared/protocol/meetings.js';
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import { sendStoredImage } from '../uploads/images-in-use.js';
import type { MeetingService } from './service.js';

export function meetingsRoutes(deps: FeatureDeps, meetings: MeetingService): Api {
  const api = new Api(deps, '/api', 'Meetings');

  api.club('post', '/clubs/:clubId/meetings', 'meeting.create', { summary: 'Schedule a meeting, or open one now (no scheduled_at)', body: meetingCreateSchema, response: meetingResponseSchema }, ({ access, userId, body }) =>
    meetings.create(access.club.id, userId, body),
  );
  api.club('get', '/clubs/:clubId/meetings', 'meeting.read', { summary: "The club's upcoming or past meetings", query: meetingListQuerySchema, response: pageSchema(meetingResponseSchema) }, ({ access, query }) =>
    meetings.list(access.club.id, query),
  );

  api.authed('get', '/meetings/:meetingId', { access: { meeting: 'meeting.read' }, summary: 'A meeting, with its participants (needs meeting.read in its club)', response: meetingDetailSchema }, async ({ userId, id }) => {
    const meeting = await meetings.authorize(id('meetingId'), userId, 'meeting.read');
    return meetings.detail(meeting.id);
  });
  api.authed('patch', '/meetings/:meetingId', { access: { meeting: 'meeting.create' }, summary: 'Change a scheduled or live meeting (needs meeting.create)', body: meetingUpdateSchema, response: meetingDetailSchema }, async ({ userId, id, body }) =>
    meetings.update(await meetings.authorize(id('meetingId'), userId, 'meeting.create'), userId, body),
  );
  api.authed('post', '/meetings/:meetingId/cancel', { access: { meeting: 'meeting.create' }, summary: 'Cancel a scheduled meeting (needs meeting.create)', response: meetingDetailSchema, status: 200 }, async ({ userId, id }) =>
    meetings.cancel(await meetings.authorize(id('meetingId'), userId, 'meeting.create'), userId),
  );
  api.authed('post', '/meetings/:meetingId/end', { access: { meeting: 'meeting.end' }, summary: 'End a live meeting (needs meeting.end)', response: meetingDetailSchema, status: 200 }, async ({ userId, id }) =>
    meetings.end(await meetings.authorize(id('meetingId'), userId, 'meeting.end'), userId),
  );

  api.authed('get', '/meetings/:meetingId/thumbnail', { access: { meeting: 'meeting.read' }, summary: "The meeting's thumbnail image (needs meeting.read)", produces: 'image/*' }, async ({ userId, id, res }) => {
    const meeting = await meetings.authorize(id('meetingId'), userId, 'meeting.read');
    await sendStoredImage(deps.db, deps.blobs, meeting.thumbnail_file_id, res, 'meeting thumbnail');
  });

  return api;
}
