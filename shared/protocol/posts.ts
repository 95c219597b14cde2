// Posts, comments and reports: REST bodies, queries and responses.
import { z } from 'zod';
import { bodyIdSchema, rawText, text } from './common.js';
import { avatarUrlSchema } from './users.js';

export const POST_TITLE_MAX = 150;
export const POST_CONTENT_MAX = 20_000;
export const COMMENT_MAX = 5_000;
export const REPORT_DETAIL_MAX = 1_000;
export const REPORT_REASONS = ['spam', 'abuse', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const postCreateSchema = z.strictObject({
  title: text(POST_TITLE_MAX, 1),
  content: text(POST_CONTENT_MAX).default(''),
});
export type PostCreate = z.infer<typeof postCreateSchema>;

export const postUpdateSchema = z
  .strictObject({
    title: postCreateSchema.shape.title.optional(),
    content: text(POST_CONTENT_MAX).optional(),
  })
  // Only when every field was fine: an unknown field is its own, clearer problem.
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change', when: (payload) => payload.issues.length === 0 });
export type PostUpdate = z.infer<typeof postUpdateSchema>;

const personRefSchema = z.object({ id: z.number(), username: z.string() });
const authorSchema = personRefSchema.extend({ nickname: z.string().nullable(), avatar_url: avatarUrlSchema });

export const postResponseSchema = z.object({
  id: z.number(),
  club_id: z.number().nullable().describe('null for a community post'),
  author: authorSchema,
  title: z.string(),
  content: z.string(),
  comment_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PostResponse = z.infer<typeof postResponseSchema>;

export const commentCreateSchema = z.strictObject({
  content: text(COMMENT_MAX, 1),
});

export const commentResponseSchema = z.object({
  id: z.number(),
  post_id: z.number(),
  author: authorSchema,
  content: z.string(),
  created_at: z.string(),
});
export type CommentResponse = z.infer<typeof commentResponseSchema>;

// Reports

const REPORT_TARGETS = ['post_id', 'comment_id', 'user_id'] as const;

export const reportCreateSchema = z
  .strictObject({
    post_id: bodyIdSchema.optional(),
    comment_id: bodyIdSchema.optional(),
    user_id: bodyIdSchema.optional(),
    club_id: bodyIdSchema.optional().describe('required when reporting a person; taken from the post or comment otherwise'),
    reason: z.enum(REPORT_REASONS),
    detail: text(REPORT_DETAIL_MAX).default(''),
  })
  .superRefine((report, ctx) => {
    const named = REPORT_TARGETS.filter((field) => report[field] !== undefined);
    if (named.length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'name what you report: one of post_id, comment_id, user_id' });
    if (named.length > 1) {
      for (const field of named) ctx.addIssue({ code: 'custom', path: [field], message: 'report one thing at a time' });
    }
    if (report.user_id !== undefined && report.club_id === undefined) ctx.addIssue({ code: 'custom', path: ['club_id'], message: 'is required when reporting a person' });
    if (report.user_id === undefined && report.club_id !== undefined) ctx.addIssue({ code: 'custom', path: ['club_id'], message: 'is taken from the post or comment; leave it out' });
  });
export type ReportCreate = z.infer<typeof reportCreateSchema>;

export const reportListQuerySchema = z.object({
  status: z.enum(['open', 'resolved']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: rawText(512).optional(),
});

export const reportResolveSchema = z.strictObject({
  action: z.enum(['dismiss', 'remove_content']),
});
export type ReportAction = z.infer<typeof reportResolveSchema>['action'];

export const reportResponseSchema = z.object({
  id: z.number(),
  club_id: z.number().nullable(),
  reporter: personRefSchema,
  target: z.object({
    kind: z.enum(['post', 'comment', 'user']),
    id: z.number(),
    /** The post this comment belongs to, for comments. */
    post_id: z.number().nullable(),
    excerpt: z.string().describe("the post's title or the comment's opening as reported, or the person's username"),
    removed: z.boolean().describe('the post or comment has been deleted'),
  }),
  reason: z.enum(REPORT_REASONS),
  detail: z.string(),
  status: z.enum(['open', 'resolved']),
  resolution: z.enum(['dismissed', 'removed_content']).nullable(),
  resolved_at: z.string().nullable(),
  created_at: z.string(),
});
export type ReportResponse = z.infer<typeof reportResponseSchema>;
