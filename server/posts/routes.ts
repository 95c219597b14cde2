// Posts endpoints: club and community posts, comments, and reports with the moderators' queue.
import { pageQuerySchema, pageSchema } from '../../shared/protocol/common.js';
import {
  commentCreateSchema,
  commentResponseSchema,
  postCreateSchema,
  postResponseSchema,
  postUpdateSchema,
  reportCreateSchema,
  reportListQuerySchema,
  reportResolveSchema,
  reportResponseSchema,
} from '../../shared/protocol/posts.js';
import { Api } from '../http/api.js';
import type { FeatureDeps } from '../features.js';
import type { CommentService } from './comments.js';
import type { ReportService } from './reports.js';
import type { PostService } from './service.js';

export interface PostServices {
  posts: PostService;
  comments: CommentService;
  reports: ReportService;
}

export function postsRoutes(deps: FeatureDeps, { posts, comments, reports }: PostServices): Api {
  const api = new Api(deps, '/api', 'Posts');
  const postPage = pageSchema(postResponseSchema);

  // Club posts
  api.club('get', '/clubs/:clubId/posts', 'post.read', { summary: "A club's posts, newest first", query: pageQuerySchema, response: postPage }, ({ access, query }) =>
    posts.list(access.club.id, query),
  );
  api.club('post', '/clubs/:clubId/posts', 'post.create', { summary: 'Post in a club', body: postCreateSchema, response: postResponseSchema }, ({ access, userId, body }) =>
    posts.create(access.club.id, userId, body),
  );

  // Community posts (no club)
  api.authed('get', '/posts', { access: 'public', summary: 'Community posts, newest first', query: pageQuerySchema, response: postPage }, ({ query }) => posts.list(null, query));
  api.authed('post', '/posts', { access: 'author', summary: 'Post to the community (outside any club)', body: postCreateSchema, response: postResponseSchema }, ({ userId, body }) =>
    posts.create(null, userId, body),
  );

  // One post: club posts need post.read in their club
  api.authed('get', '/posts/:postId', { access: 'author', summary: 'A post', response: postResponseSchema }, ({ userId, id }) => posts.get(id('postId'), userId));
  api.authed('patch', '/posts/:postId', { access: 'author', summary: 'Edit your post', body: postUpdateSchema, response: postResponseSchema }, ({ userId, id, body }) =>
    posts.update(id('postId'), userId, body),
  );
  api.authed('delete', '/posts/:postId', { access: 'author', summary: 'Delete a post (its author, or a moderator of its club)' }, async ({ userId, id }) => {
    await posts.remove(id('postId'), userId);
  });

  // Comments
  api.authed('get', '/posts/:postId/comments', { access: 'author', summary: "A post's comments, newest first", query: pageQuerySchema, response: pageSchema(commentResponseSchema) }, ({ userId, id, query }) =>
    comments.list(id('postId'), userId, query),
  );
  api.authed('post', '/posts/:postId/comments', { access: 'author', summary: 'Comment on a post (in a club: needs post.create)', body: commentCreateSchema, response: commentResponseSchema }, ({ userId, id, body }) =>
    comments.create(id('postId'), userId, body.content),
  );
  api.authed('delete', '/comments/:commentId', { access: 'author', summary: 'Delete a comment (its author, or a moderator of its club)' }, async ({ userId, id }) => {
    await comments.remove(id('commentId'), userId);
  });

  // Reports
  api.authed('post', '/reports', { access: 'self', summary: 'Report a post, a comment or a person (once each)', body: reportCreateSchema, response: reportResponseSchema }, ({ userId, body }) =>
    reports.create(userId, body),
  );
  api.authed('get', '/reports/mine', { access: 'self', summary: 'The reports you made, newest first', query: pageQuerySchema, response: pageSchema(reportResponseSchema) }, ({ userId, query }) =>
    reports.mine(userId, query),
  );
  api.club('get', '/clubs/:clubId/reports', 'report.review', { summary: "The club's reports, newest first", query: reportListQuerySchema, response: pageSchema(reportResponseSchema) }, ({ access, query }) =>
    reports.queue(access.club.id, query),
  );
  api.club(
    'post',
    '/clubs/:clubId/reports/:reportId/resolve',
    'report.review',
    { summary: 'Resolve a report: dismiss it, or remove the reported post or comment', body: reportResolveSchema, response: reportResponseSchema, status: 200 },
    ({ access, userId, id, body }) => reports.resolve(access.club.id, id('reportId'), userId, body.action),
  );

  return api;
}
