// Field problems in the viewer's words. The server (and the same schema checked here first)
// names the field that is wrong; its own message is English, so each field gets its own words.
import { ApiError } from '../../api/errors.js';
import { t, type MessageKey } from '../../i18n/index.js';
import { errorWords } from '../../ui/errors.js';

const PROBLEM_WORDS: Record<string, MessageKey> = {
  username: 'account.problem.username',
  email: 'account.problem.email',
  password: 'account.problem.password',
  new_password: 'account.problem.password',
  current_password: 'account.problem.currentPassword',
  first_name: 'account.problem.name',
  last_name: 'account.problem.name',
  nickname: 'account.problem.nickname',
  bio: 'account.problem.bio',
  phone: 'account.problem.phone',
  birth_date: 'account.problem.birthDate',
  interests: 'account.problem.interests',
};

/** Conflicts and wrong passwords belong under a field too. */
const CODE_FIELD: Partial<Record<ApiError['code'], string>> = {
  username_taken: 'username',
  email_taken: 'email',
};

/** Words per field (top-level field name) for an error, empty when it is not about fields. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const byCode = CODE_FIELD[err.code];
  if (byCode) return { [byCode]: errorWords(err) };
  const out: Record<string, string> = {};
  for (const path of err.fieldProblems().keys()) {
    const field = path.split('.')[0] ?? path;
    const key = PROBLEM_WORDS[field];
    if (key && !out[field]) out[field] = t(key);
  }
  return out;
}
