// Club content endpoints: notices, rules, goals, seasons and dues.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import { DuesService } from './dues.js';
import { goalRoutes } from './goal-routes.js';
import { GoalService } from './goals.js';
import { noticeRoutes } from './notice-routes.js';
import { NoticeService } from './notices.js';
import { ruleRoutes } from './rule-routes.js';
import { RuleService } from './rules.js';
import { seasonRoutes } from './season-routes.js';
import { SeasonService } from './seasons.js';

export function contentRoutes(deps: FeatureDeps): Api {
  const api = new Api(deps, '/api', 'Content');
  const { db, events } = deps;
  noticeRoutes(api, new NoticeService(db, events));
  ruleRoutes(api, new RuleService(db, events));
  goalRoutes(api, new GoalService(db, events));
  seasonRoutes(api, new SeasonService(db, events), new DuesService(db, events));
  return api;
}
