// Zod issues become field problems with a stable code and the numbers a sentence needs, the
// English message kept; problems made by hand get `custom`.
import assert from 'node:assert/strict';
import { z } from 'zod';
import { AppError, validationError } from '../../shared/errors.js';
import { FIELD_PROBLEM_CODES, fieldProblemsFromZod, type FieldProblem } from '../../shared/field-problems.js';
import { passwordSchema, signUpSchema } from '../../shared/protocol/auth.js';
import { clubCreateSchema } from '../../shared/protocol/clubs.js';

/** The problems of parsing `input` with `schema` (which must refuse it). */
function problemsOf(schema: z.ZodType, input: unknown): FieldProblem[] {
  const result = schema.safeParse(input);
  assert.ok(!result.success, 'expected the schema to refuse the input');
  return fieldProblemsFromZod(result.error, input);
}

/** The one problem of a parse, without its message (checked apart). */
function onlyProblem(schema: z.ZodType, input: unknown): Omit<FieldProblem, 'message'> {
  const problems = problemsOf(schema, input);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  const { message, ...rest } = problems[0]!;
  assert.equal(typeof message, 'string');
  assert.ok(message.length > 0);
  return rest;
}

describe('field problems from zod issues', () => {
  it('says a missing field is required, and a wrong kind of value invalid_type with what was expected', () => {
    const schema = z.strictObject({ name: z.string(), seats: z.number(), nested: z.object({ inner: z.string() }) });
    const missing = problemsOf(schema, { seats: 3, nested: {} });
    assert.deepEqual(
      missing.map(({ path, code }) => ({ path, code })),
      [
        { path: 'name', code: 'required' },
        { path: 'nested.inner', code: 'required' },
      ],
    );
    assert.deepEqual(onlyProblem(schema, { name: 'x', seats: 'three', nested: { inner: 'y' } }), { path: 'seats', code: 'invalid_type', expected: 'number' });
    assert.deepEqual(onlyProblem(z.object({ n: z.number().int() }), { n: 1.5 }), { path: 'n', code: 'invalid_type', expected: 'int' });
    // A null sent is a wrong value, not a missing one.
    assert.deepEqual(onlyProblem(schema, { name: null, seats: 1, nested: { inner: 'y' } }), { path: 'name', code: 'invalid_type', expected: 'string' });
  });

  it('counts text in characters and lists in items, with the bound and whether it is exact', () => {
    const schema = z.object({ text: z.string().min(3).max(5), list: z.array(z.number()).min(2).max(3), pin: z.string().length(4) });
    assert.deepEqual(onlyProblem(schema.pick({ text: true }), { text: 'ab' }), { path: 'text', code: 'too_short', minimum: 3, unit: 'characters' });
    assert.deepEqual(onlyProblem(schema.pick({ text: true }), { text: 'abcdef' }), { path: 'text', code: 'too_long', maximum: 5, unit: 'characters' });
    assert.deepEqual(onlyProblem(schema.pick({ list: true }), { list: [1] }), { path: 'list', code: 'too_short', minimum: 2, unit: 'items' });
    assert.deepEqual(onlyProblem(schema.pick({ list: true }), { list: [1, 2, 3, 4] }), { path: 'list', code: 'too_long', maximum: 3, unit: 'items' });
    assert.deepEqual(onlyProblem(schema.pick({ pin: true }), { pin: '123' }), { path: 'pin', code: 'too_short', minimum: 4, unit: 'characters', exact: true });
  });

  it('bounds numbers with too_small / too_big, saying when the bound itself is refused', () => {
    assert.deepEqual(onlyProblem(z.object({ n: z.number().min(1) }), { n: 0 }), { path: 'n', code: 'too_small', minimum: 1, inclusive: true });
    assert.deepEqual(onlyProblem(z.object({ n: z.number().positive() }), { n: 0 }), { path: 'n', code: 'too_small', minimum: 0, inclusive: false });
    assert.deepEqual(onlyProblem(z.object({ n: z.number().max(720) }), { n: 721 }), { path: 'n', code: 'too_big', maximum: 720, inclusive: true });
    assert.deepEqual(onlyProblem(z.object({ n: z.number().lt(10) }), { n: 10 }), { path: 'n', code: 'too_big', maximum: 10, inclusive: false });
  });

  it('names the format of email, url and pattern refusals', () => {
    assert.deepEqual(onlyProblem(z.object({ e: z.email() }), { e: 'not-an-address' }), { path: 'e', code: 'invalid_format', format: 'email' });
    assert.deepEqual(onlyProblem(z.object({ u: z.url() }), { u: 'nowhere' }), { path: 'u', code: 'invalid_format', format: 'url' });
    assert.deepEqual(onlyProblem(z.object({ r: z.string().regex(/^\d+$/) }), { r: 'abc' }), { path: 'r', code: 'invalid_format', format: 'regex' });
  });

  it('lists the allowed values of an enum, a literal and a discriminated union', () => {
    assert.deepEqual(onlyProblem(z.object({ kind: z.enum(['book', 'study']) }), { kind: 'film' }), { path: 'kind', code: 'invalid_value', values: ['book', 'study'] });
    assert.deepEqual(onlyProblem(z.object({ yes: z.literal(true) }), { yes: false }), { path: 'yes', code: 'invalid_value', values: ['true'] });
    const union = z.discriminatedUnion('type', [z.object({ type: z.literal('a') }), z.object({ type: z.literal('b') })]);
    assert.deepEqual(onlyProblem(z.object({ u: union }), { u: { type: 'c' } }), { path: 'u.type', code: 'invalid_value', values: ['a', 'b'] });
  });

  it('says not_multiple with the divisor, and one unknown_field per unknown key at its own path', () => {
    assert.deepEqual(onlyProblem(z.object({ n: z.number().multipleOf(5) }), { n: 7 }), { path: 'n', code: 'not_multiple', divisor: 5 });
    const unknown = problemsOf(z.strictObject({ inner: z.strictObject({ a: z.string() }) }), { inner: { a: 'x', b: 1, c: 2 } });
    assert.deepEqual(unknown, [
      { path: 'inner.b', message: 'is not a known field', code: 'unknown_field' },
      { path: 'inner.c', message: 'is not a known field', code: 'unknown_field' },
    ]);
  });

  it('keeps a custom rule’s message and its name, when the refinement gives one', () => {
    const named = z.object({ p: z.string().refine(() => false, { error: 'must be odd', params: { rule: 'odd' } }) });
    assert.deepEqual(problemsOf(named, { p: 'x' }), [{ path: 'p', message: 'must be odd', code: 'custom', rule: 'odd' }]);
    const bare = z.object({ p: z.string().refine(() => false, { error: 'must be odd' }) });
    assert.deepEqual(problemsOf(bare, { p: 'x' }), [{ path: 'p', message: 'must be odd', code: 'custom' }]);
  });

  it('gives the protocol’s password, email and club name refusals their codes and rules', () => {
    const rules = (password: string) => problemsOf(passwordSchema, password).map((p) => p.rule ?? p.code);
    assert.deepEqual(rules('12345678'), ['password_letter']);
    assert.deepEqual(rules('abcdefgh'), ['password_digit_or_symbol']);
    const personal = problemsOf(signUpSchema, { username: 'dorothea', email: 'd@example.org', password: 'Dorothea' });
    assert.ok(personal.some((p) => p.path === 'password' && p.rule === 'password_not_personal'), JSON.stringify(personal));
    const email = problemsOf(signUpSchema, { username: 'dorothea', email: 'no-at-sign', password: 'Middlemarch-1871' });
    assert.deepEqual(email, [{ path: 'email', message: 'must be a valid email address', code: 'invalid_format', format: 'email' }]);
    const title = problemsOf(clubCreateSchema, { kind: 'book', title: 'x'.repeat(101) });
    assert.deepEqual(title, [{ path: 'title', message: 'Too big: expected string to have <=100 characters', code: 'too_long', maximum: 100, unit: 'characters' }]);
  });

  it('uses only the codes it declares', () => {
    const everything = z.strictObject({
      a: z.string(),
      b: z.string().min(2),
      c: z.number().max(1),
      d: z.email(),
      e: z.enum(['x']),
      f: z.number().multipleOf(2),
      g: z.string().refine(() => false),
      h: z.number(),
    });
    const problems = problemsOf(everything, { b: 'x', c: 2, d: 'y', e: 'z', f: 3, g: 'q', h: 'n', extra: 1 });
    const declared = new Set<string>(FIELD_PROBLEM_CODES);
    assert.deepEqual(problems.map((p) => p.code).filter((code) => !declared.has(code)), []);
    assert.deepEqual(new Set(problems.map((p) => p.code)), new Set(['required', 'too_short', 'too_big', 'invalid_format', 'invalid_value', 'not_multiple', 'custom', 'invalid_type', 'unknown_field']));
  });

  it('gives problems listed by hand the custom code, and keeps a code they bring', () => {
    assert.deepEqual(validationError([{ path: 'book_id', message: 'no such book' }]).details, [{ path: 'book_id', message: 'no such book', code: 'custom' }]);
    const handMade = new AppError('validation_failed', 'Invalid request: cursor: stale', [{ path: 'cursor', message: 'stale' }]);
    assert.deepEqual(handMade.toBody().error.details, [{ path: 'cursor', message: 'stale', code: 'custom' }]);
    const coded = validationError([{ path: 'seats', message: 'at most 5 on this server', code: 'too_big', maximum: 5 }]);
    assert.deepEqual(coded.details, [{ path: 'seats', message: 'at most 5 on this server', code: 'too_big', maximum: 5 }]);
    // Other errors' details are left as they are.
    assert.deepEqual(new AppError('rate_limited', 'slow down', { retry_after: 3 }).details, { retry_after: 3 });
  });
});
