import type { z } from 'zod';
import { validationError } from '../../shared/errors.js';
import { fieldProblemsFromZod } from '../../shared/field-problems.js';

/** Parses untrusted input against a schema, or throws a 400 listing every field problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw validationError(fieldProblemsFromZod(result.error, input ?? {}));
  return result.data;
}
