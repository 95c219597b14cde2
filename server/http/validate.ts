import type { z } from 'zod';
import { validationError, type FieldProblem } from '../../shared/errors.js';

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String);
    // Name each unknown field at its own path, so clients can point at it.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key].join('.'), message: 'is not a known field' }));
    }
    return [{ path: at.join('.'), message: issue.message }];
  });
}

/** Parses untrusted input against a schema, or throws a 400 listing every field problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationError(zodProblems(result.error));
  return result.data;
}
