// A field problem in the viewer's words: its code and numbers (shared/field-problems.ts) pick a
// sentence of the catalogue. The English `message` is the fallback for what the catalogue has no
// sentence for (an unknown code from a newer server, or a custom rule without a name).
import { FIELD_PROBLEM_CODES, type FieldProblem, type FieldProblemCode } from '../../../shared/field-problems.js';
import { hasMessage, t, type MessageKey, type Params } from '../i18n/index.js';

/** What the wire may hold: path and message always; the rest from a server that sends them. */
export type FieldProblemLike = Pick<FieldProblem, 'path' | 'message'> & Partial<Record<Exclude<keyof FieldProblem, 'path' | 'message'>, unknown>>;

const KNOWN_CODES: ReadonlySet<string> = new Set(FIELD_PROBLEM_CODES);

const FORMAT_KEYS: Partial<Record<string, MessageKey>> = {
  email: 'error.field.email',
  url: 'error.field.url',
  date: 'error.field.date',
  datetime: 'error.field.datetime',
  time: 'error.field.time',
};

/**
 * The allowed values of the fields a form offers as choices, in words (by the field's last path
 * segment). The server names values as the API spells them ("book, study"): those are not words
 * to show anyone, so a field missing here gets the sentence without them.
 */
const VALUE_WORDS: Partial<Record<string, Partial<Record<string, MessageKey>>>> = {
  kind: { book: 'club.kind.book', study: 'club.kind.study' },
  visibility: { public: 'club.visibility.public', private: 'club.visibility.private' },
  period: { week: 'owner.club.perWeek', month: 'owner.club.perMonth' },
  role: { moderator: 'club.role.moderator', notetaker: 'club.role.notetaker', member: 'club.role.member' },
  type: { sub_goal: 'owner.goals.type.sub_goal', homework: 'owner.goals.type.homework', meeting: 'owner.goals.type.meeting', other: 'owner.goals.type.other' },
  reason: { spam: 'content.report.reason.spam', abuse: 'content.report.reason.abuse', off_topic: 'content.report.reason.off_topic', other: 'content.report.reason.other' },
};

/** The values in the page's language when every one has words, else null. */
function valueWords(path: string, values: readonly string[]): string | null {
  const known = VALUE_WORDS[path.split('.').pop() ?? ''];
  const keys = values.map((value) => (known && Object.hasOwn(known, value) ? known[value] : undefined));
  if (keys.length === 0 || keys.some((key) => key === undefined)) return null;
  return keys.map((key) => t(key as MessageKey)).join(', ');
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function lengthKey(problem: FieldProblemLike, limit: number, short: boolean): MessageKey {
  const items = problem.unit === 'items';
  if (problem.exact === true) return items ? 'error.field.count_exact' : 'error.field.length_exact';
  if (short) {
    if (limit <= 1) return items ? 'error.field.none_chosen' : 'error.field.empty';
    return items ? 'error.field.too_few' : 'error.field.too_short';
  }
  return items ? 'error.field.too_many' : 'error.field.too_long';
}

/** The catalogue key and its params for a problem, or null when only its message says it. */
function wordsFor(problem: FieldProblemLike): [MessageKey, Params?] | null {
  const code = typeof problem.code === 'string' && KNOWN_CODES.has(problem.code) ? (problem.code as FieldProblemCode) : null;
  switch (code) {
    case 'required':
      return ['error.field.required'];
    case 'invalid_type':
      return problem.expected === 'number' ? ['error.field.number'] : problem.expected === 'int' ? ['error.field.whole_number'] : ['error.field.invalid_type'];
    case 'too_short': {
      const minimum = num(problem.minimum);
      return minimum === undefined ? null : [lengthKey(problem, minimum, true), { minimum, count: minimum }];
    }
    case 'too_long': {
      const maximum = num(problem.maximum);
      return maximum === undefined ? null : [lengthKey(problem, maximum, false), { maximum, count: maximum }];
    }
    case 'too_small': {
      const minimum = num(problem.minimum);
      return minimum === undefined ? null : [problem.inclusive === false ? 'error.field.more_than' : 'error.field.at_least', { minimum }];
    }
    case 'too_big': {
      const maximum = num(problem.maximum);
      return maximum === undefined ? null : [problem.inclusive === false ? 'error.field.less_than' : 'error.field.at_most', { maximum }];
    }
    case 'invalid_format':
      return [(typeof problem.format === 'string' && FORMAT_KEYS[problem.format]) || 'error.field.format'];
    case 'invalid_value': {
      const values = Array.isArray(problem.values) && problem.values.every((value) => typeof value === 'string') ? problem.values : [];
      const words = valueWords(problem.path, values);
      return words ? ['error.field.one_of', { values: words }] : ['error.field.invalid_value'];
    }
    case 'not_multiple': {
      const divisor = num(problem.divisor);
      return divisor === undefined ? null : ['error.field.not_multiple', { divisor }];
    }
    case 'unknown_field':
      return ['error.field.unknown_field'];
    case 'custom': {
      const key = typeof problem.rule === 'string' ? `error.field.rule.${problem.rule}` : '';
      return hasMessage(key) ? [key] : null;
    }
    default:
      return null;
  }
}

/** The problem said in the page's language, or its English message when there are no words for it. */
export function fieldProblemWords(problem: FieldProblemLike): string {
  const words = wordsFor(problem);
  return words ? t(...words) : problem.message;
}
