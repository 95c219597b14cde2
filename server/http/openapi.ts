// The OpenAPI 3.1 document, built from the same zod schemas the routes validate with.
import { z } from 'zod';
import { ERROR_CODES } from '../../shared/errors.js';
import type { Action } from '../../shared/permissions.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Whose data a signed-in endpoint acts on, and so who may call it (the permission matrix test
 * tries every declared operation against the rule its kind names):
 * - `self`: only the caller's own rows; ids in the path must name the caller's own.
 * - `project`: an image project; seen by whom projectVisibleTo allows, changed by its owner only.
 * - `author`: a shared row (post, comment, book) anyone signed in may read; its author changes it.
 * - `public`: nobody's private data (catalogues, public profiles, the server's models).
 * - `{ meeting }` / `{ document }`: the caller's role in the club of the meeting (or of the notes
 *   document) must allow the action.
 * Club endpoints (`:clubId`) carry their action and need no access field.
 */
export type Access = 'self' | 'project' | 'author' | 'public' | { meeting: Action } | { document: Action };

/** The kind of access as the document names it (x-access). */
export type AccessKind = 'club' | 'meeting' | 'document' | 'self' | 'project' | 'author' | 'public';

export interface OperationSpec {
  method: HttpMethod;
  /** Express-style path as mounted, e.g. /api/clubs/:id. */
  path: string;
  tag: string;
  summary: string;
  auth: boolean;
  /** The permission a club-scoped route checks (see shared/permissions). */
  action?: Action;
  /** Whose data a signed-in route acts on (club routes: implied by `action`). */
  access?: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status: number;
  /** Other success-path statuses, with what they mean. */
  alsoAnswers?: Record<number, string>;
  /** Content type(s) of the response when it is not (only) JSON. */
  produces?: string | string[];
  /** A download honouring Range requests. */
  ranged?: boolean;
  /** Path parameters that are not serial ids. */
  params?: Record<string, z.ZodType>;
  /** A multipart/form-data body with files under `field`. */
  multipart?: { field: string; accepts: string; maxFiles: number; maxFileBytes: number; maxRequestBytes: number };
  /** Has its own rate limit. */
  rateLimited?: boolean;
}

type JsonSchema = Record<string, unknown>;

/** x-access and, where a club role decides, x-permission with the action checked. */
function accessOf(op: OperationSpec): { kind: AccessKind; permission?: Action } | undefined {
  if (op.action) return { kind: 'club', permission: op.action };
  const access = op.access;
  if (access === undefined || typeof access === 'string') return access && { kind: access };
  return 'meeting' in access ? { kind: 'meeting', permission: access.meeting } : { kind: 'document', permission: access.document };
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function queryParameters(schema: z.ZodType): JsonSchema[] {
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }));
}

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' }, details: {} },
    },
  },
};

/** The schema of a non-JSON response body: text for text types, bytes for the rest. */
function bodySchemaOf(contentType: string): JsonSchema {
  return contentType.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' };
}

function requestBodyOf(op: OperationSpec): JsonSchema | undefined {
  if (op.multipart) {
    const { field, accepts, maxFiles, maxFileBytes, maxRequestBytes } = op.multipart;
    return {
      required: true,
      description: `${accepts}: at most ${maxFiles} files of ${maxFileBytes} bytes each, ${maxRequestBytes} bytes in all`,
      content: {
        'multipart/form-data': {
          schema: { type: 'object', required: [field], properties: { [field]: { type: 'array', maxItems: maxFiles, items: { type: 'string', format: 'binary' } } } },
        },
      },
    };
  }
  if (op.body) return { required: true, content: { 'application/json': { schema: toSchema(op.body, 'input') } } };
  return undefined;
}

export class OpenApiRegistry {
  private readonly operations: OperationSpec[] = [];

  add(operation: OperationSpec): void {
    this.operations.push(operation);
  }

  list(): readonly OperationSpec[] {
    return this.operations;
  }

  document(info: { title: string; version: string; serverUrl: string }): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const op of this.operations) {
      const pathParams = [...op.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
      const openApiPath = op.path.replace(/:(\w+)/g, '{$1}');
      const parameters = [
        ...pathParams.map((name) => {
          const declared = op.params?.[name];
          return { name, in: 'path', required: true, schema: declared ? toSchema(declared, 'input') : { type: 'integer', minimum: 1 } };
        }),
        ...(op.query ? queryParameters(op.query) : []),
        ...(op.ranged ? [{ name: 'Range', in: 'header', required: false, description: 'One byte range, e.g. bytes=0-1023', schema: { type: 'string' } }] : []),
      ];
      const contentTypes = op.produces === undefined ? ['application/json'] : [op.produces].flat();
      const content = Object.fromEntries(
        contentTypes.map((type) => [type, { schema: type === 'application/json' ? (op.response ? toSchema(op.response, 'output') : {}) : bodySchemaOf(type) }]),
      );
      const success: JsonSchema = op.status === 204 ? { description: 'Done' } : { description: 'Success', content };
      const responses: Record<string, JsonSchema> = { [String(op.status)]: success };
      const errorResponse = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      for (const [status, description] of Object.entries(op.alsoAnswers ?? {})) responses[status] = { description, content };
      if (op.ranged) {
        responses['206'] = { description: 'Partial Content: the requested range (Content-Range says which)', content };
        responses['416'] = { description: 'Range Not Satisfiable' };
      }
      if (op.body || op.query || op.multipart) responses['400'] ??= { description: 'Invalid input (code validation_failed, details lists each field)', ...errorResponse };
      if (op.auth) responses['401'] = { description: 'Missing, invalid, expired or revoked access token', ...errorResponse };
      const access = accessOf(op);
      if (access?.permission) responses['403'] = { description: `Forbidden: needs permission "${access.permission}"`, ...errorResponse };
      if (pathParams.length > 0) responses['404'] = { description: 'Not found', ...errorResponse };
      if (op.multipart) {
        responses['413'] = { description: 'Body larger than the request limit (payload_too_large)', ...errorResponse };
        responses['415'] = { description: 'Not multipart/form-data (unsupported_media_type)', ...errorResponse };
      }
      if (op.rateLimited) responses['429'] = { description: 'Over a limit (rate_limited, or too_many_uploads at once); Retry-After, when sent, says when to try again', ...errorResponse };
      const requestBody = requestBodyOf(op);
      (paths[openApiPath] ??= {})[op.method] = {
        tags: [op.tag],
        summary: op.summary,
        operationId: `${op.method}_${op.path.replace(/^\/(api\/)?/, '').replace(/[/:]+/g, '_').replace(/_+$/, '')}`,
        ...(access ? { 'x-access': access.kind } : {}),
        ...(access?.permission ? { 'x-permission': access.permission } : {}),
        ...(op.auth ? { security: [{ bearer: [] }] } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version },
      servers: [{ url: info.serverUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Error: errorBody },
      },
      paths,
    };
  }
}

/** A dependency-free page that lists the operations of /api/openapi.json. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Roundtable API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h2{border-bottom:1px solid #ddd;margin-top:2em}details{margin:.4em 0;border:1px solid #e3e3e3;border-radius:6px;padding:.4em .8em}
summary{cursor:pointer}code.m{display:inline-block;min-width:4.5em;font-weight:bold;text-transform:uppercase}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:13px}</style></head>
<body><h1>Roundtable API</h1><p>The machine-readable document: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
<div id="ops">Loading…</div>
<script>
fetch('openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [method,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push({path,method,op});
  const root=document.getElementById('ops');root.textContent='';
  const text=(tag,content)=>{const e=document.createElement(tag);e.textContent=content;return e;};
  for(const [tag,ops] of Object.entries(byTag)){
    root.append(text('h2',tag));
    for(const {path,method,op} of ops){
      const d=document.createElement('details');const s=document.createElement('summary');
      s.append(text('code',method),' ',text('code',path),' — ',op.summary);s.firstChild.className='m';d.append(s);
      if(op['x-access'])d.append(text('p','Access: '+op['x-access']+(op['x-permission']?' (permission: '+op['x-permission']+')':'')));
      d.append(text('pre',JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2)));
      root.append(d);
    }
  }
});
</script></body></html>`;
