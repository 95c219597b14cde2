// Club content: notices, rules, goals, seasons and dues — REST bodies, queries and responses.
import { z } from 'zod';
import { bodyIdSchema, dateSchema, pageQuerySchema, text } from './common.js';

export const MAX_NOTICES = 200;
export const MAX_RULES = 50;
export const MAX_AMOUNT = 1_000_000_000;

const userRefSchema = z.object({ id: z.number(), username: z.string() });

function somethingToChange(body: object): boolean {
  return Object.keys(body).length > 0;
}
/** "nothing to change" only when the body is otherwise clean: an unknown field says enough. */
const whenClean = { error: 'nothing to change', when: (payload: { issues: unknown[] }) => payload.issues.length === 0 };

// Notices

const noticeTitle = text(150, 1);
const noticeBody = text(5000);

export const noticeCreateSchema = z.strictObject({
  title: noticeTitle,
  body: noticeBody.default(''),
  pinned: z.boolean().default(false),
});
export type NoticeCreate = z.infer<typeof noticeCreateSchema>;

export const noticeUpdateSchema = z
  .strictObject({ title: noticeTitle.optional(), body: noticeBody.optional(), pinned: z.boolean().optional() })
  .refine(somethingToChange, whenClean);
export type NoticeUpdate = z.infer<typeof noticeUpdateSchema>;

export const noticeOrderSchema = z.strictObject({
  ids: z.array(bodyIdSchema).max(MAX_NOTICES).describe("Every notice id of the club, in the new order"),
});

export const noticeResponseSchema = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  pinned: z.boolean(),
  position: z.number().describe('Order among the notices; pinned ones are listed first regardless'),
  author: userRefSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type NoticeResponse = z.infer<typeof noticeResponseSchema>;
export const noticeListSchema = z.object({ items: z.array(noticeResponseSchema) });

// Rules

const ruleText = text(500, 1);

export const ruleCreateSchema = z.strictObject({ text: ruleText });
export const rulesReplaceSchema = z.strictObject({
  rules: z.array(z.strictObject({ text: ruleText })).max(MAX_RULES, { error: `at most ${MAX_RULES} rules` }),
});

export const ruleResponseSchema = z.object({ id: z.number(), position: z.number(), text: z.string() });
export type RuleResponse = z.infer<typeof ruleResponseSchema>;
export const ruleListSchema = z.object({ items: z.array(ruleResponseSchema) });

// Goals

export const GOAL_TYPES = ['sub_goal', 'homework', 'meeting', 'other'] as const;

/** A goal's date may be left blank: null or '' (as the study-group API goals follow sends it). */
const blankableDate = z.preprocess((value) => (value === '' ? null : value), dateSchema.nullable());

const goalFields = {
  type: z.enum(GOAL_TYPES),
  title: text(150, 1),
  explanation: text(5000),
  starts_on: blankableDate,
  ends_on: blankableDate,
};

/** Dates are 'YYYY-MM-DD', so text order is calendar order. */
function endsAfterStart(goal: { starts_on?: string | null; ends_on?: string | null }, ctx: z.RefinementCtx): void {
  if (goal.starts_on && goal.ends_on && goal.ends_on < goal.starts_on) {
    ctx.addIssue({ code: 'custom', path: ['ends_on'], message: 'must not be before starts_on', params: { rule: 'ends_before_start' } });
  }
}

export const goalCreateSchema = z
  .strictObject({ ...goalFields, explanation: goalFields.explanation.default(''), starts_on: goalFields.starts_on.default(null), ends_on: goalFields.ends_on.default(null) })
  .superRefine(endsAfterStart);
export type GoalCreate = z.infer<typeof goalCreateSchema>;

export const goalUpdateSchema = z
  .strictObject({
    type: goalFields.type.optional(),
    title: goalFields.title.optional(),
    explanation: goalFields.explanation.optional(),
    starts_on: goalFields.starts_on.optional(),
    ends_on: goalFields.ends_on.optional(),
  })
  .superRefine(endsAfterStart)
  .refine(somethingToChange, whenClean);
export type GoalUpdate = z.infer<typeof goalUpdateSchema>;

export const goalDoneSchema = z.strictObject({ done: z.boolean() });

export const goalListQuerySchema = pageQuerySchema.extend({
  type: z.enum(GOAL_TYPES).optional(),
  done: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type GoalListQuery = z.infer<typeof goalListQuerySchema>;

export const goalResponseSchema = z.object({
  id: z.number(),
  type: z.enum(GOAL_TYPES),
  title: z.string(),
  explanation: z.string(),
  starts_on: z.string().nullable().describe('null when left blank'),
  ends_on: z.string().nullable().describe('null when left blank'),
  done: z.boolean(),
  done_at: z.string().nullable(),
  done_by: userRefSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GoalResponse = z.infer<typeof goalResponseSchema>;

// Seasons and dues (study groups)

export const seasonResponseSchema = z.object({
  season: z.number(),
  started_at: z.string(),
  ended_at: z.string().nullable().describe('null for the season under way'),
});
export type SeasonResponse = z.infer<typeof seasonResponseSchema>;
export const seasonListSchema = z.object({ items: z.array(seasonResponseSchema) });

export const duesRecordSchema = z
  .strictObject({
    paid: z.boolean(),
    amount: z.number().int().min(0).max(MAX_AMOUNT).describe('Minor units (cents); only paid dues count towards the club total'),
    paid_on: dateSchema.nullable().optional().describe('Defaults to today when paid'),
  })
  .superRefine((dues, ctx) => {
    if (!dues.paid && dues.paid_on) ctx.addIssue({ code: 'custom', path: ['paid_on'], message: 'only for paid dues' });
  });
export type DuesRecord = z.infer<typeof duesRecordSchema>;

export const duesEntrySchema = z.object({
  user: z.object({ id: z.number(), username: z.string(), nickname: z.string().nullable() }),
  season: z.number(),
  paid: z.boolean(),
  amount: z.number(),
  paid_on: z.string().nullable(),
  recorded_by: userRefSchema.nullable(),
  recorded_at: z.string().nullable(),
});
export type DuesEntry = z.infer<typeof duesEntrySchema>;

export const duesListSchema = z.object({
  season: z.number(),
  season_total: z.number().describe("Sum of this season's paid dues"),
  total_money: z.number().describe("The club's total: every season's paid dues"),
  items: z.array(duesEntrySchema).describe('Every active member, paid or not'),
});
export type DuesList = z.infer<typeof duesListSchema>;
