// Field problems in the page's language: a server's bound (too many seats), a choice among values
// the API spells in English, and every named rule of the protocol's own checks a form can meet.
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { fieldProblemsFromZod, type FieldProblem } from '../../../shared/field-problems.js';
import { birthDateSchema } from '../../../shared/protocol/users.js';
import { readingLogCreateSchema } from '../../../shared/protocol/books.js';
import { clubCreateSchema, clubUpdateSchema } from '../../../shared/protocol/clubs.js';
import { goalCreateSchema } from '../../../shared/protocol/content.js';
import { meetingCreateSchema } from '../../../shared/protocol/meetings.js';

// The client's modules read the DOM, which this project's types (no DOM lib) do not know: they are
// loaded by a path tsc does not follow, and typed here by what the test uses.
interface Words {
  fieldProblemWords(problem: Pick<FieldProblem, 'path' | 'message'> & Partial<Omit<FieldProblem, 'path' | 'message' | 'code'>> & { code?: string }): string;
}
interface I18n {
  setLocale(next: 'en' | 'ko'): void;
}
const I18N_MODULE = '../../../web/src/i18n/index.js';
const WORDS_MODULE = '../../../web/src/ui/field-problem-words.js';

/** Letters of the Latin alphabet in a row: English words (or raw API values) in a Korean sentence. */
const LATIN_WORD = /[A-Za-z]{3,}/;

function problemsOf(schema: z.ZodType, input: unknown): FieldProblem[] {
  const result = schema.safeParse(input);
  assert.ok(!result.success, 'expected the schema to refuse the input');
  return fieldProblemsFromZod(result.error, input);
}

describe('web field problem words', () => {
  let words: Words;
  let i18n: I18n;
  before(async () => {
    // The catalogue module reads the browser's language and sets <html lang> when it loads.
    const scope = globalThis as { document?: unknown; navigator?: unknown };
    scope.document ??= { documentElement: {} };
    if (scope.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { languages: ['en-US'], language: 'en-US' }, configurable: true });
    i18n = (await import(I18N_MODULE)) as I18n;
    words = (await import(WORDS_MODULE)) as Words;
  });
  afterEach(() => i18n.setLocale('en'));

  it('says seats over the server’s limit with the limit, in Korean and English', () => {
    const problem = { path: 'max_members', message: 'at most 12 on this server', code: 'too_big', maximum: 12, inclusive: true };
    i18n.setLocale('ko');
    assert.equal(words.fieldProblemWords(problem), '12 이하로 입력해 주세요.');
    i18n.setLocale('en');
    assert.equal(words.fieldProblemWords(problem), 'Use 12 or less.');
    // The same problem without its code (an older server) falls back to the English message.
    i18n.setLocale('ko');
    assert.equal(words.fieldProblemWords({ path: 'max_members', message: 'at most 12 on this server', code: 'custom' }), 'at most 12 on this server');
  });

  it('names a field’s allowed values in words, and never the values as the API spells them', () => {
    const kind = problemsOf(clubCreateSchema, { kind: 'film', title: 'A club' }).find((p) => p.path === 'kind');
    assert.ok(kind);
    i18n.setLocale('ko');
    const ko = words.fieldProblemWords(kind);
    assert.equal(ko, '다음 중 하나를 골라 주세요: 독서 모임, 스터디.');
    i18n.setLocale('en');
    assert.doesNotMatch(words.fieldProblemWords(kind), /\bbook\b|\bstudy\b/);
    // A field without words for its values gets the sentence without them.
    i18n.setLocale('ko');
    const unknown = words.fieldProblemWords({ path: 'format', message: 'Invalid option', code: 'invalid_value', values: ['md', 'txt'] });
    assert.equal(unknown, '보기 중에서 골라 주세요.');
    const period = problemsOf(clubUpdateSchema, { schedule: { times: 1, period: 'day', weekdays: [1], start_time: '19:30', duration_minutes: 90, time_zone: 'Asia/Seoul' } });
    assert.deepEqual(period.map((p) => [p.path, words.fieldProblemWords(p)]), [['schedule.period', '다음 중 하나를 골라 주세요: 매주, 매달.']]);
  });

  it('has words in both languages for every named rule a form can meet', () => {
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const problems = [
      ...problemsOf(clubUpdateSchema, { schedule: { times: 1, period: 'week', weekdays: [1], start_time: '19:30', duration_minutes: 90, time_zone: 'Mars/Olympus_Mons' } }),
      ...problemsOf(clubCreateSchema, { kind: 'book', title: 'A club', entrance_fee: 10 }),
      ...problemsOf(birthDateSchema, '2023-02-30'),
      ...problemsOf(birthDateSchema, future),
      ...problemsOf(goalCreateSchema, { type: 'homework', title: 'Read', starts_on: '2026-05-02', ends_on: '2026-05-01' }),
      ...problemsOf(meetingCreateSchema, { title: 'Chapter one', scheduled_at: '2020-01-01T10:00:00Z' }),
      ...problemsOf(meetingCreateSchema, { title: 'Chapter one', scheduled_at: '2999-01-01T10:00:00Z' }),
      ...problemsOf(readingLogCreateSchema, { book_id: 1, started_at: '2024-05-02', finished_at: '2024-05-01' }),
      ...problemsOf(readingLogCreateSchema, { book_id: 1, started_at: '1899-12-31' }),
    ];
    assert.deepEqual(
      problems.map((p) => p.rule ?? `${p.path}: ${p.code}`),
      ['time_zone', 'study_only', 'real_date', 'birth_date_past', 'ends_before_start', 'not_past', 'too_far_ahead', 'finished_before_start', 'reading_date'],
    );
    for (const problem of problems) {
      i18n.setLocale('ko');
      const ko = words.fieldProblemWords(problem);
      assert.notEqual(ko, problem.message, `no Korean words for ${problem.rule}`);
      assert.match(ko, /[가-힣]/, ko);
      if (problem.rule !== 'time_zone') assert.doesNotMatch(ko, LATIN_WORD, ko);
      i18n.setLocale('en');
      assert.notEqual(words.fieldProblemWords(problem), problem.message, `no English words for ${problem.rule}`);
    }
  });
});
