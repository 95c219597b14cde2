// /api/clubs/:clubId/rules
import { ruleCreateSchema, ruleListSchema, ruleResponseSchema, rulesReplaceSchema } from '../../shared/protocol/content.js';
import type { Api } from '../http/api.js';
import type { RuleService } from './rules.js';

export function ruleRoutes(api: Api, rules: RuleService): void {
  api.club('get', '/clubs/:clubId/rules', 'content.read', { summary: "The club's rules, in order", response: ruleListSchema }, async ({ access }) => ({
    items: await rules.list(access.club.id),
  }));
  api.club('put', '/clubs/:clubId/rules', 'rule.write', { summary: 'Replace every rule at once', body: rulesReplaceSchema, response: ruleListSchema }, async ({ access, userId, body }) => ({
    items: await rules.replace(access.club.id, userId, body.rules.map((r) => r.text)),
  }));
  api.club('post', '/clubs/:clubId/rules', 'rule.write', { summary: 'Add a rule at the end', body: ruleCreateSchema, response: ruleResponseSchema }, ({ access, userId, body }) =>
    rules.add(access.club.id, userId, body.text),
  );
  api.club('delete', '/clubs/:clubId/rules/:ruleId', 'rule.write', { summary: 'Delete a rule (the ones after it move up)' }, async ({ access, userId, id }) => {
    await rules.remove(access.club.id, id('ruleId'), userId);
  });
}
