// Declares REST endpoints once: the route, its validation, its permission and its OpenAPI entry
// all come from one spec, so the document cannot drift from what the server does.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { idSchema } from '../../shared/protocol/common.js';
import type { Action } from '../../shared/permissions.js';
import type { ClubAccess, ClubAccessResolver } from '../clubs/access.js';
import { ClubGate } from '../clubs/gate.js';
import { authOf } from './authenticate.js';
import type { HttpMethod, OpenApiRegistry } from './openapi.js';
import { parse } from './validate.js';

interface SpecBase<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  summary: string;
  body?: B;
  query?: Q;
  response?: z.ZodType;
  /** Defaults: 201 for POST, 200 otherwise; a handler returning undefined answers 204. */
  status?: number;
  produces?: string;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface EndpointContext<B, Q> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  /** A numeric path parameter; a malformed one is a 404, like a missing row. */
  id: (name: string) => number;
  /** Answers with another status than the spec's (e.g. 200 when a POST created nothing). */
  status: (code: number) => void;
}

export interface AuthedContext<B, Q> extends EndpointContext<B, Q> {
  userId: number;
  sessionId: string;
}

export interface ClubContext<B, Q> extends AuthedContext<B, Q> {
  access: ClubAccess;
}

export interface ApiDeps {
  registry: OpenApiRegistry;
  requireAuth: RequestHandler;
  clubs: ClubAccessResolver;
}

function numericParam(req: Request, name: string): number {
  const parsed = idSchema.safeParse(req.params[name]);
  if (!parsed.success) throw new AppError('not_found', 'Not found');
  return parsed.data;
}

/** One tag's endpoints, mounted under `mount` (e.g. /api). */
export class Api {
  readonly router = Router();
  private readonly gate: ClubGate;

  constructor(
    private readonly deps: ApiDeps,
    private readonly mount: string,
    private readonly tag: string,
  ) {
    this.gate = new ClubGate(deps.clubs);
  }

  /** An endpoint anybody may call, signed in or not. */
  open<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    method: HttpMethod,
    path: string,
    spec: SpecBase<B, Q>,
    handler: (ctx: EndpointContext<Infer<B>, Infer<Q>>) => unknown,
  ): void {
    this.register(method, path, spec, false, undefined, [], (req, res) => handler(this.context(req, res, spec)));
  }

  /** An endpoint for any signed-in user. */
  authed<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    method: HttpMethod,
    path: string,
    spec: SpecBase<B, Q>,
    handler: (ctx: AuthedContext<Infer<B>, Infer<Q>>) => unknown,
  ): void {
    this.register(method, path, spec, true, undefined, [this.deps.requireAuth], (req, res) => {
      const auth = authOf(res);
      return handler({ ...this.context(req, res, spec), userId: auth.userId, sessionId: auth.sessionId });
    });
  }

  /**
   * An endpoint on one club (`:clubId` in the path): the caller's role is resolved and checked
   * against the permission table before the body is even parsed.
   */
  club<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    method: HttpMethod,
    path: string,
    action: Action,
    spec: SpecBase<B, Q>,
    handler: (ctx: ClubContext<Infer<B>, Infer<Q>>) => unknown,
  ): void {
    if (!path.includes(':clubId')) throw new Error(`club endpoint ${path} needs a :clubId parameter`);
    this.register(method, path, spec, true, action, [this.deps.requireAuth], async (req, res) => {
      const auth = authOf(res);
      const access = await this.gate.require(numericParam(req, 'clubId'), auth.userId, action);
      return handler({ ...this.context(req, res, spec), userId: auth.userId, sessionId: auth.sessionId, access });
    });
  }

  private context<B, Q>(req: Request, res: Response, spec: SpecBase<z.ZodType | undefined, z.ZodType | undefined>): EndpointContext<B, Q> {
    // The query is parsed first: a bad query is the caller's problem even without a body.
    const query = (spec.query ? parse(spec.query, req.query) : undefined) as Q;
    const body = (spec.body ? parse(spec.body, req.body) : undefined) as B;
    return { req, res, body, query, id: (name) => numericParam(req, name), status: (code) => void (res.locals.statusOverride = code) };
  }

  private register(
    method: HttpMethod,
    path: string,
    spec: SpecBase<z.ZodType | undefined, z.ZodType | undefined>,
    auth: boolean,
    action: Action | undefined,
    middleware: RequestHandler[],
    run: (req: Request, res: Response) => unknown,
  ): void {
    const defaultStatus = spec.status ?? (method === 'post' ? 201 : 200);
    this.deps.registry.add({
      method,
      path: `${this.mount}${path}`,
      tag: this.tag,
      summary: spec.summary,
      auth,
      action,
      body: spec.body,
      query: spec.query,
      response: spec.response,
      status: defaultStatus,
      produces: spec.produces,
    });
    this.router[method](path, ...middleware, async (req: Request, res: Response) => {
      const result = await run(req, res);
      if (res.headersSent) return;
      const status = (res.locals.statusOverride as number | undefined) ?? defaultStatus;
      if (result === undefined) {
        res.status(204).end();
      } else if (spec.produces && typeof result === 'string') {
        res.status(status).type(spec.produces).send(result);
      } else {
        res.status(status).json(result);
      }
    });
  }
}
