// The field problems a validation_failed error lists in `details`: where (`path`), what in
// English (`message`, for API clients and logs) and what in a stable shape (`code` and the few
// numbers or names a sentence needs), so a client can say it in its viewer's language.
// Made from zod issues here only: the REST handler, the socket acks and the web client's own
// check before sending all call fieldProblemsFromZod, so their problems cannot drift apart.
import type { z } from 'zod';

export const FIELD_PROBLEM_CODES = [
  /** Nothing was sent where something must be. */
  'required',
  /** The wrong kind of value: `expected` names the kind (string, number, int, boolean, object, array…). */
  'invalid_type',
  /** Text or a list below its least length: `minimum`, counted in `unit`; `exact` when only that length will do. */
  'too_short',
  /** Text or a list over its greatest length: `maximum`, counted in `unit`; `exact` as above. */
  'too_long',
  /** A number (or date, file size) below `minimum`; `inclusive` false when the minimum itself is refused. */
  'too_small',
  /** A number (or date, file size) over `maximum`; `inclusive` as above. */
  'too_big',
  /** Text not in its shape: `format` is email, url, uuid, date, datetime, regex, … */
  'invalid_format',
  /** Not one of the allowed values: `values` lists them when they are known. */
  'invalid_value',
  /** A number that must be a multiple of `divisor`. */
  'not_multiple',
  /** A field the endpoint does not know. */
  'unknown_field',
  /** A rule of the schema's own: `rule` names it when it has a name, `message` says it. */
  'custom',
] as const;

export type FieldProblemCode = (typeof FIELD_PROBLEM_CODES)[number];

export interface FieldProblem {
  path: string;
  message: string;
  code: FieldProblemCode;
  minimum?: number;
  maximum?: number;
  inclusive?: boolean;
  exact?: boolean;
  /** What a length counts. */
  unit?: 'characters' | 'items';
  expected?: string;
  format?: string;
  values?: string[];
  divisor?: number;
  rule?: string;
}

/** A problem made by hand (a service's own check): `custom` unless it says otherwise. */
export type FieldProblemInput = Omit<FieldProblem, 'code'> & { code?: FieldProblemCode };

/** Enough allowed values to name them in a sentence; a longer list is left out. */
const MAX_VALUES_NAMED = 20;

type Issue = z.core.$ZodIssue;

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Whether `input` has nothing at `path` (a missing key, or undefined), as opposed to a wrong value. */
function missingAt(input: unknown, path: readonly PropertyKey[]): boolean {
  let here: unknown = input;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return false;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here === undefined;
}

function bound(value: number | bigint | Date | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.getTime() : Number(value);
}

function named(values: readonly unknown[]): string[] | undefined {
  if (values.length === 0 || values.length > MAX_VALUES_NAMED) return undefined;
  return values.map((value) => String(value));
}

function fromIssue(issue: Issue, input: unknown): FieldProblem[] {
  const path = pathText(issue.path);
  const base = { path, message: issue.message };
  switch (issue.code) {
    case 'invalid_type':
      if (missingAt(input, issue.path)) return [{ ...base, code: 'required' }];
      return [{ ...base, code: 'invalid_type', expected: issue.expected }];
    case 'too_small':
    case 'too_big': {
      const length = issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set';
      const extra = {
        ...(length ? { unit: issue.origin === 'string' ? ('characters' as const) : ('items' as const) } : { inclusive: issue.inclusive ?? true }),
        ...(issue.exact ? { exact: true } : {}),
      };
      if (issue.code === 'too_small') return [{ ...base, code: length ? 'too_short' : 'too_small', minimum: bound(issue.minimum), ...extra }];
      return [{ ...base, code: length ? 'too_long' : 'too_big', maximum: bound(issue.maximum), ...extra }];
    }
    case 'invalid_format':
      return [{ ...base, code: 'invalid_format', format: issue.format }];
    case 'invalid_value': {
      const values = named(issue.values);
      return [{ ...base, code: 'invalid_value', ...(values ? { values } : {}) }];
    }
    case 'invalid_union': {
      // A discriminated union names its options when the discriminator matched none.
      const options = 'options' in issue && Array.isArray(issue.options) ? named(issue.options) : undefined;
      return [{ ...base, code: 'invalid_value', ...(options ? { values: options } : {}) }];
    }
    case 'invalid_key':
    case 'invalid_element':
      return [{ ...base, code: 'invalid_value' }];
    case 'not_multiple_of':
      return [{ ...base, code: 'not_multiple', divisor: Number(issue.divisor) }];
    case 'unrecognized_keys':
      // One problem per unknown field, at its own path, so clients can point at it.
      return issue.keys.map((key) => ({ path: pathText([...issue.path, key]), message: 'is not a known field', code: 'unknown_field' as const }));
    case 'custom': {
      const rule: unknown = issue.params?.rule;
      return [{ ...base, code: 'custom', ...(typeof rule === 'string' ? { rule } : {}) }];
    }
    default:
      return [{ ...base, code: 'custom' }];
  }
}

/**
 * Every problem of a failed parse of `input`. The input tells a missing field (`required`) from a
 * wrong one (`invalid_type`): zod's issues do not carry it.
 */
export function fieldProblemsFromZod(error: z.ZodError, input: unknown): FieldProblem[] {
  return error.issues.flatMap((issue) => fromIssue(issue, input));
}

/** `details` of a validation_failed error with a code on each field problem that has none (`custom`). */
export function withProblemCodes(details: unknown): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) return item;
    const problem = item as Partial<FieldProblem>;
    if (typeof problem.path !== 'string' || typeof problem.message !== 'string' || typeof problem.code === 'string') return item;
    return { ...problem, code: 'custom' };
  });
}
