// Full-text search over the catalogue with the 'simple' configuration (no stemming, no
// dictionaries), so it behaves the same on PGlite and Postgres. Title outweighs author,
// author outweighs category.
import { sql, type RawBuilder } from 'kysely';

const MAX_TERMS = 12;

export function bookSearchDocument(book: { title: string; author: string; category: string | null }): RawBuilder<unknown> {
  return sql`setweight(to_tsvector('simple', ${book.title}), 'A') || setweight(to_tsvector('simple', ${book.author}), 'B') || setweight(to_tsvector('simple', ${book.category ?? ''}), 'C')`;
}

/**
 * The words of a search box as a tsquery text where every word must match as a prefix
 * ("tolk lord" → "tolk:* & lord:*"). Only letters and digits survive, so nothing the user
 * types can act as a tsquery operator. Null when no word is left.
 */
export function prefixQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words
    .slice(0, MAX_TERMS)
    .map((word) => `${word}:*`)
    .join(' & ');
}
