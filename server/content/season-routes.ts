// /api/clubs/:clubId/seasons and their dues (study groups only).
import { duesEntrySchema, duesListSchema, duesRecordSchema, seasonListSchema, seasonResponseSchema } from '../../shared/protocol/content.js';
import type { Api } from '../http/api.js';
import type { DuesService } from './dues.js';
import { requireStudyGroup, type SeasonService } from './seasons.js';

export function seasonRoutes(api: Api, seasons: SeasonService, dues: DuesService): void {
  api.club('get', '/clubs/:clubId/seasons', 'content.read', { summary: 'Seasons of a study group, the current one last', response: seasonListSchema }, async ({ access }) => {
    requireStudyGroup(access.club);
    return { items: await seasons.list(access.club.id) };
  });
  api.club('post', '/clubs/:clubId/seasons', 'season.manage', { summary: 'End the current season and start the next', response: seasonResponseSchema }, ({ access, userId }) => {
    requireStudyGroup(access.club);
    return seasons.startNext(access.club.id, userId);
  });
  api.club('get', '/clubs/:clubId/seasons/:season/dues', 'dues.read_all', { summary: "Every active member's dues for a season", response: duesListSchema }, ({ access, id }) => {
    requireStudyGroup(access.club);
    return dues.list(access.club.id, id('season'));
  });
  api.club('get', '/clubs/:clubId/seasons/:season/dues/me', 'dues.read_own', { summary: 'Your own dues for a season', response: duesEntrySchema }, ({ access, userId, id }) => {
    requireStudyGroup(access.club);
    return dues.mine(access.club.id, id('season'), userId);
  });
  api.club('put', '/clubs/:clubId/seasons/:season/dues/:userId', 'dues.record', { summary: "Record a member's dues for a season", body: duesRecordSchema, response: duesEntrySchema }, ({ access, userId, body, id }) => {
    requireStudyGroup(access.club);
    return dues.record(access.club.id, id('season'), id('userId'), userId, body);
  });
}
