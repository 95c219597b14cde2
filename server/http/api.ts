// Declares REST endpoints once: the route, its validation, its permission and its OpenAPI entry
// all come from one spec, so the document cannot drift from what the server does.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { idSchema } from '../../shared/protocol/common.js';
import type { Action } from '../../shared/permissions.js';
import type { ClubAccess, ClubAccessResolver } from '../clubs/access.js';
import type { ClubGate } from '../clubs/gate.js';
import { readMultipart, type MultipartLimits, type UploadedPart } from '../uploads/multipart.js';
import { authOf } from './authenticate.js';
import type { Access, HttpMethod, OpenApiRegistry } from './openapi.js';
import { parse } from './validate.js';

/** A multipart/form-data request body: files under `field`, read as they arrive within `limits`. */
export interface MultipartSpec {
  field: string;
  /** What the files must be, for the document (e.g. "PNG, JPEG or WebP images"). */
  accepts: string;
  limits: MultipartLimits;
}

interface SpecBase<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  summary: string;
  body?: B;
  query?: Q;
  response?: z.ZodType;
  /** Defaults: 201 for POST, 200 otherwise; a handler returning undefined answers 204. */
  status?: number;
  /** Other statuses the handler answers with on success (e.g. 400 for an upload of only bad files). */
  alsoAnswers?: Record<number, string>;
  /**
   * Content type of a response that is not JSON: a string result is sent as it is. A list names
   * every type the endpoint may answer with (a format query, say); the first is the default.
   */
  produces?: string | string[];
  /** A download that honours Range (206 Partial Content); the handler sends the bytes itself. */
  ranged?: boolean;
  /** Path parameters that are not serial ids (the default): their schema checks them (a bad one is a 404). */
  params?: Record<string, z.ZodType<string>>;
  multipart?: MultipartSpec;
  /** Runs before the body is parsed: limits that must count malformed attempts too. */
  before?: (req: Request, res: Response) => Promise<void>;
  /** The endpoint has its own rate limit (429 with Retry-After). */
  rateLimited?: boolean;
  /** Whose data a signed-in endpoint acts on (see Access); the permission matrix test needs it. */
  access?: Access;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface EndpointContext<B, Q> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  /** A numeric path parameter; a malformed one is a 404, like a missing row (`what` names it). */
  id: (name: string, what?: string) => number;
  /** A path parameter declared in the spec's `params`, checked by its schema (else a 404). */
  param: (name: string, what?: string) => string;
  /** The files of a `multipart` endpoint (temp files are the handler's to discard). */
  parts: () => Promise<UploadedPart[]>;
  /** The files and the text fields of a `multipart` endpoint. */
  form: () => Promise<{ parts: UploadedPart[]; fields: Map<string, string> }>;
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
  /** Checks a caller's club role against the permission table (one for the whole server). */
  gate: ClubGate;
}

function notFound(what?: string): AppError {
  return new AppError('not_found', what ? `${what} not found` : 'Not found');
}

function numericParam(req: Request, name: string, what?: string): number {
  const parsed = idSchema.safeParse(req.params[name]);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}

type AnySpec = SpecBase<z.ZodType | undefined, z.ZodType | undefined>;

/** One tag's endpoints, mounted under `mount` (e.g. /api). */
export class Api {
  readonly router = Router();
  private readonly gate: ClubGate;

  constructor(
    private readonly deps: ApiDeps,
    private readonly mount: string,
    private readonly tag: string,
  ) {
    this.gate = deps.gate;
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

  private context<B, Q>(req: Request, res: Response, spec: AnySpec): EndpointContext<B, Q> {
    // The query is parsed first: a bad query is the caller's problem even without a body.
    const query = (spec.query ? parse(spec.query, req.query) : undefined) as Q;
    const body = (spec.body ? parse(spec.body, req.body) : undefined) as B;
    const param = (name: string, what?: string): string => {
      const schema = spec.params?.[name];
      if (!schema) throw new Error(`path parameter ${name} is not declared in the spec's params`);
      const parsed = schema.safeParse(req.params[name]);
      if (!parsed.success) throw notFound(what);
      return parsed.data;
    };
    const parts = (): Promise<UploadedPart[]> => {
      if (!spec.multipart) throw new Error('parts() needs a multipart spec');
      return readMultipart(req, spec.multipart.limits);
    };
    const form = async (): Promise<{ parts: UploadedPart[]; fields: Map<string, string> }> => {
      if (!spec.multipart) throw new Error('form() needs a multipart spec');
      const fields = new Map<string, string>();
      return { parts: await readMultipart(req, spec.multipart.limits, fields), fields };
    };
    return {
      req,
      res,
      body,
      query,
      id: (name, what) => numericParam(req, name, what),
      param,
      parts,
      form,
      status: (code) => void (res.locals.statusOverride = code),
    };
  }

  private register(
    method: HttpMethod,
    path: string,
    spec: AnySpec,
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
      access: spec.access,
      body: spec.body,
      query: spec.query,
      response: spec.response,
      status: defaultStatus,
      alsoAnswers: spec.alsoAnswers,
      produces: spec.produces,
      ranged: spec.ranged,
      params: spec.params,
      multipart: spec.multipart && { field: spec.multipart.field, accepts: spec.multipart.accepts, maxFiles: spec.multipart.limits.maxFiles, maxFileBytes: spec.multipart.limits.maxFileBytes, maxRequestBytes: spec.multipart.limits.maxRequestBytes },
      rateLimited: spec.rateLimited,
    });
    const before = spec.before;
    const produces = Array.isArray(spec.produces) ? spec.produces[0] : spec.produces;
    this.router[method](path, ...middleware, async (req: Request, res: Response) => {
      if (before) await before(req, res);
      const result = await run(req, res);
      if (res.headersSent) return;
      const status = (res.locals.statusOverride as number | undefined) ?? defaultStatus;
      if (result === undefined) {
        res.status(204).end();
      } else if (produces && typeof result === 'string') {
        res.status(status).type(produces).send(result);
      } else {
        res.status(status).json(result);
      }
    });
  }
}
