// /api/clubs/:clubId/goals
import { pageSchema } from '../../shared/protocol/common.js';
import { goalCreateSchema, goalDoneSchema, goalListQuerySchema, goalResponseSchema, goalUpdateSchema } from '../../shared/protocol/content.js';
import type { Api } from '../http/api.js';
import type { GoalService } from './goals.js';

export function goalRoutes(api: Api, goals: GoalService): void {
  api.club('get', '/clubs/:clubId/goals', 'content.read', { summary: 'Goals by start date, optionally of one type or done state', query: goalListQuerySchema, response: pageSchema(goalResponseSchema) }, ({ access, query }) =>
    goals.list(access.club.id, query),
  );
  api.club('post', '/clubs/:clubId/goals', 'goal.write', { summary: 'Set a goal', body: goalCreateSchema, response: goalResponseSchema }, ({ access, userId, body }) =>
    goals.create(access.club.id, userId, body),
  );
  api.club('patch', '/clubs/:clubId/goals/:goalId', 'goal.write', { summary: 'Change a goal', body: goalUpdateSchema, response: goalResponseSchema }, ({ access, userId, body, id }) =>
    goals.update(access.club.id, id('goalId'), userId, body),
  );
  api.club('delete', '/clubs/:clubId/goals/:goalId', 'goal.write', { summary: 'Delete a goal' }, async ({ access, userId, id }) => {
    await goals.remove(access.club.id, id('goalId'), userId);
  });
  api.club('post', '/clubs/:clubId/goals/:goalId/done', 'goal.complete', { summary: 'Mark a goal done or not done', body: goalDoneSchema, response: goalResponseSchema, status: 200 }, ({ access, userId, body, id }) =>
    goals.setDone(access.club.id, id('goalId'), userId, body.done),
  );
}
