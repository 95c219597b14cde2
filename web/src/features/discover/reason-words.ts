// The recommender's reasons arrive as English sentences (server/clubs/recommend-score.ts); the
// known ones are said in the viewer's language here, with their names kept. Unknown ones pass as sent.
import { t, type MessageKey } from '../../i18n/index.js';

const FIXED: Record<string, MessageKey> = {
  'meets around the hour your clubs do': 'discover.why.nearHour',
  'meets on a weekday your clubs meet': 'discover.why.sameWeekday',
  popular: 'discover.why.popular',
};

const WITH_NAMES: Array<[string, MessageKey]> = [
  ['its reading list has books you read: ', 'discover.why.books'],
  ['matches your interests: ', 'discover.why.interests'],
  ['reads authors you read: ', 'discover.why.authors'],
  ['reads the kinds of books you read: ', 'discover.why.categories'],
];

export function reasonWords(reason: string): string {
  const fixed = FIXED[reason];
  if (fixed) return t(fixed);
  for (const [prefix, key] of WITH_NAMES) {
    if (reason.startsWith(prefix)) return t(key, { names: reason.slice(prefix.length) });
  }
  return reason;
}
