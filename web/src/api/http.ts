// REST calls, typed by the zod schemas in shared/protocol: the body is checked against its schema
// before it leaves (the same check the server makes, so the same field problems), and the answer
// is parsed by the response schema. A call whose access token has expired refreshes it once.
import type { z } from 'zod';
import { fieldProblemsFromZod } from '../../../shared/field-problems.js';
import { ApiError, isAuthError, toApiError } from './errors.js';
import { currentAccess, refreshAccess } from './session.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface CallOptions {
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  query?: Record<string, string | number | boolean | undefined | null>;
}

const TIMEOUT_MS = 20_000;

function withQuery(path: string, query: CallOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.code) return new ApiError(body.error.code as ApiError['code'], body.error.message ?? '', response.status, body.error.details, retryAfter);
  } catch {
    // Not our JSON (a proxy's error page): fall through.
  }
  return new ApiError(response.status >= 500 ? 'internal_error' : 'unexpected', response.statusText, response.status, undefined, retryAfter);
}

async function fetchOnce(method: Method, url: string, body: BodyInit | undefined, json: boolean, options: CallOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (json) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await fetch(url, { method: method.toUpperCase(), headers, body, signal });
  } catch (err) {
    if (timeout.aborted) throw new ApiError('timeout', 'request timed out');
    throw toApiError(err);
  }
}

/** Sends a request and answers the raw Response (after one token refresh if needed), or throws ApiError. */
export async function fetchApi(method: Method, path: string, body: BodyInit | undefined, json: boolean, options: CallOptions = {}): Promise<Response> {
  const url = withQuery(path, options.query);
  const auth = options.auth ?? true;
  const token = auth ? currentAccess() : null;
  let response = await fetchOnce(method, url, body, json, options, token);
  if (response.status === 401 && auth && token) {
    const error = await errorFrom(response);
    if (!isAuthError(error.code)) throw error;
    const fresh = await refreshAccess(token);
    if (!fresh) throw error;
    response = await fetchOnce(method, url, body, json, options, fresh);
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

async function parsed<R extends z.ZodType>(response: Response, schema: R | undefined): Promise<z.output<R>> {
  if (response.status === 204 || !schema) return undefined as z.output<R>;
  const data: unknown = await response.json();
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError('unexpected', `unexpected answer from ${response.url}: ${result.error.message}`);
  return result.data;
}

/** A GET (or DELETE) whose answer the `response` schema parses. */
export async function get<R extends z.ZodType>(path: string, response: R, options?: CallOptions): Promise<z.output<R>> {
  return parsed(await fetchApi('get', path, undefined, false, options), response);
}

/** Checks `body` against `schema` here first (same problems as the server would list), then sends it. */
export async function send<B extends z.ZodType, R extends z.ZodType | undefined = undefined>(
  method: Exclude<Method, 'get'>,
  path: string,
  schema: B,
  body: z.input<B>,
  response?: R,
  options?: CallOptions,
): Promise<R extends z.ZodType ? z.output<R> : undefined> {
  const checked = schema.safeParse(body);
  if (!checked.success) {
    throw new ApiError('validation_failed', 'invalid request', 400, fieldProblemsFromZod(checked.error, body));
  }
  const res = await fetchApi(method, path, JSON.stringify(checked.data), true, options);
  return (await parsed(res, response)) as R extends z.ZodType ? z.output<R> : undefined;
}

/** A request without a body (DELETE, or a POST that acts on the path alone). */
export async function act<R extends z.ZodType | undefined = undefined>(
  method: Exclude<Method, 'get'>,
  path: string,
  response?: R,
  options?: CallOptions,
): Promise<R extends z.ZodType ? z.output<R> : undefined> {
  const res = await fetchApi(method, path, undefined, false, options);
  return (await parsed(res, response)) as R extends z.ZodType ? z.output<R> : undefined;
}

/** A multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function upload<R extends z.ZodType>(path: string, form: FormData, response: R, onProgress: (sent: number, total: number) => void): { done: Promise<z.output<R>>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<z.output<R>>((resolve, reject) => {
    const attempt = (token: string | null, retried: boolean): void => {
      xhr.open('POST', path);
      xhr.responseType = 'json';
      if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
      xhr.onerror = () => reject(new ApiError('network', 'upload failed'));
      xhr.onabort = () => reject(new ApiError('timeout', 'upload cancelled'));
      xhr.onload = () => {
        const body = xhr.response as { error?: unknown } | null;
        // Our error envelope has an object under `error`; an upload whose every file was refused
        // answers 400 with its ordinary body (`error: true` and the reasons), which is an answer.
        const envelope = typeof body?.error === 'object' && body.error !== null ? (body.error as { code?: string; message?: string; details?: unknown }) : undefined;
        if (xhr.status === 401 && !retried && token) {
          void refreshAccess(token).then((fresh) => (fresh ? attempt(fresh, true) : reject(new ApiError('token_expired', 'session ended', 401))));
          return;
        }
        if ((xhr.status >= 200 && xhr.status < 300) || (xhr.status === 400 && body && !envelope)) {
          const result = response.safeParse(body);
          if (result.success) resolve(result.data);
          else reject(new ApiError('unexpected', result.error.message));
          return;
        }
        const retryAfter = Number(xhr.getResponseHeader('retry-after')) || undefined;
        const code = (envelope?.code ?? 'unexpected') as ApiError['code'];
        reject(new ApiError(code, envelope?.message ?? xhr.statusText, xhr.status, envelope?.details, retryAfter));
      };
      xhr.send(form);
    };
    attempt(currentAccess(), false);
  });
  return { done, abort: () => xhr.abort() };
}
