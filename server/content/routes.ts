// Club content endpoints: notices, rules, goals, seasons and dues.
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import type { DuesService } from './dues.js';
import { goalRoutes } from './goal-routes.js';
import type { GoalService } from './goals.js';
import { noticeRoutes } from './notice-routes.js';
import type { NoticeService } from './notices.js';
import { ruleRoutes } from './rule-routes.js';
import type { RuleService } from './rules.js';
import { seasonRoutes } from './season-routes.js';
import type { SeasonService } from './seasons.js';

export interface ContentServices {
  notices: NoticeService;
  rules: RuleService;
  goals: GoalService;
  seasons: SeasonService;
  dues: DuesService;
}

export function contentRoutes(deps: FeatureDeps, services: ContentServices): Api {
  const api = new Api(deps, '/api', 'Content');
  noticeRoutes(api, services.notices);
  ruleRoutes(api, services.rules);
  goalRoutes(api, services.goals);
  seasonRoutes(api, services.seasons, services.dues);
  return api;
}
