// Club search: full text over clubs.search with prefix matching, filters, keyset pages.
//
// With words: best text match first (ts_rank), then most liked, then oldest (id). Without:
// most liked, then most members, then oldest. A private club is found only by its title,
// keywords and summary (weights A and B), never by its detail, so a search cannot probe
// what only members may read.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { ClubSearchQuery } from '../../shared/protocol/clubs.js';
import type { ClubCard } from '../../shared/protocol/discovery.js';
import { z } from 'zod';
import { cursorPart, decodeCursor, pageOf } from '../http/pagination.js';
import { CARD_COLUMNS, toClubCard } from './discovery-card.js';

const MAX_TERMS = 10;

/**
 * The search box as a tsquery text: each run of letters or digits (any script, combining
 * marks kept with their letter) becomes a prefix term, all of them AND-ed ("tolk 반지" →
 * "tolk:* & 반지:*"). Nothing else survives, so no user text can act as a tsquery operator.
 */
export function prefixTsquery(text: string): string | null {
  const words = text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [];
  if (words.length === 0) return null;
  return [...new Set(words)]
    .slice(0, MAX_TERMS)
    .map((word) => `${word}:*`)
    .join(' & ');
}

type SortMode = 'text' | 'popular';

function badCursor(): AppError {
  return new AppError('validation_failed', 'Invalid request: cursor: is not a cursor this list handed out', [{ path: 'cursor', message: 'is not a cursor this list handed out' }]);
}

/** The cursor's key after its mode tag, checked to belong to this kind of list. */
function cursorKey(cursor: string | undefined, mode: SortMode): [number, number, number] | null {
  const key = decodeCursor(cursor, [z.enum(['text', 'popular']), cursorPart.number, cursorPart.int, cursorPart.id]);
  if (!key) return null;
  const [tag, first, second, id] = key;
  // In text mode the first part is a rank (a float); in popular mode a like count.
  if (tag !== mode || (mode === 'popular' && !cursorPart.int.safeParse(first).success)) throw badCursor();
  return [first, second, id];
}

export class ClubSearch {
  constructor(private readonly db: Kysely<Database>) {}

  async search(input: ClubSearchQuery): Promise<Page<ClubCard>> {
    let query = this.db
      .selectFrom('clubs')
      .select(CARD_COLUMNS)
      .select(sql<boolean>`clubs.join_password_hash is not null`.as('has_password'));
    if (input.kind) query = query.where('clubs.kind', '=', input.kind);
    // @> rather than = ANY so the GIN index on keywords serves it.
    if (input.keyword) query = query.where(sql<boolean>`clubs.keywords @> array[${input.keyword}::text]`);
    if (input.weekday !== undefined) query = query.where(sql<boolean>`clubs.schedule -> 'weekdays' @> jsonb_build_array(${input.weekday}::int)`);
    if (input.has_seats !== undefined) query = query.whereRef('clubs.member_count', input.has_seats ? '<' : '>=', 'clubs.max_members');

    const terms = input.q ? prefixTsquery(input.q) : null;
    if (terms) {
      const tsquery = sql`to_tsquery('simple', ${terms})`;
      const visibleText = sql`(case when clubs.visibility = 'public' then clubs.search else ts_filter(clubs.search, '{a,b}') end)`;
      const rank: RawBuilder<number> = sql<number>`ts_rank(${visibleText}, ${tsquery})::float8`;
      const after = cursorKey(input.cursor, 'text');
      const rows = await query
        .select(rank.as('rank'))
        // The first test is a superset the GIN index answers; the second drops private details.
        .where(sql<boolean>`clubs.search @@ ${tsquery}`)
        .where(sql<boolean>`${visibleText} @@ ${tsquery}`)
        .$if(after !== null, (q) => {
          const [r, likes, id] = after as [number, number, number];
          return q.where(sql<boolean>`(${rank} < ${r}::float8 or (${rank} = ${r}::float8 and (clubs.like_count < ${likes}::int or (clubs.like_count = ${likes}::int and clubs.id > ${id}::int))))`);
        })
        .orderBy('rank', 'desc')
        .orderBy('clubs.like_count', 'desc')
        .orderBy('clubs.id', 'asc')
        .limit(input.limit + 1)
        .execute();
      return pageOf(rows, input.limit, (row) => ['text', row.rank, row.like_count, row.id], toClubCard);
    }

    const after = cursorKey(input.cursor, 'popular');
    const rows = await query
      .$if(after !== null, (q) => {
        const [likes, members, id] = after as [number, number, number];
        return q.where(
          sql<boolean>`(clubs.like_count < ${likes}::int or (clubs.like_count = ${likes}::int and (clubs.member_count < ${members}::int or (clubs.member_count = ${members}::int and clubs.id > ${id}::int))))`,
        );
      })
      .orderBy('clubs.like_count', 'desc')
      .orderBy('clubs.member_count', 'desc')
      .orderBy('clubs.id', 'asc')
      .limit(input.limit + 1)
      .execute();
    return pageOf(rows, input.limit, (row) => ['popular', row.like_count, row.member_count, row.id], toClubCard);
  }
}
