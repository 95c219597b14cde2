// Clubs recommended to one reader: recommend-candidates.ts picks a bounded set of clubs and
// what they share with the reader's books; recommend-score.ts weighs them.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Recommendation } from '../../shared/protocol/discovery.js';
import { CARD_COLUMNS, toClubCard } from './discovery-card.js';
import { RecommendationCandidates } from './recommend-candidates.js';
import { rank, type ReaderProfile } from './recommend-score.js';

export class Recommender {
  private readonly candidates: RecommendationCandidates;

  constructor(private readonly db: Kysely<Database>) {
    this.candidates = new RecommendationCandidates(db);
  }

  async recommend(userId: number, limit: number): Promise<Recommendation[]> {
    const [reader, history] = await Promise.all([this.readerProfile(userId), this.candidates.readingHistory(userId)]);
    const candidates = await this.candidates.clubs(userId, [...reader.interests], history);
    const picks = rank(candidates, reader, new Date(), limit);
    if (picks.length === 0) return [];
    const cards = await this.db
      .selectFrom('clubs')
      .select(CARD_COLUMNS)
      .select(sql<boolean>`clubs.join_password_hash is not null`.as('has_password'))
      .where('clubs.id', 'in', picks.map((pick) => pick.id))
      .execute();
    const byId = new Map(cards.map((card) => [card.id, card]));
    // A club deleted since it was weighed simply drops out.
    return picks.flatMap((pick) => {
      const card = byId.get(pick.id);
      return card ? [{ ...toClubCard(card), score: Math.round(pick.score * 1000) / 1000, reasons: pick.reasons }] : [];
    });
  }

  private async readerProfile(userId: number): Promise<ReaderProfile> {
    const [user, clubs] = await Promise.all([
      this.db.selectFrom('users').select('interests').where('id', '=', userId).executeTakeFirst(),
      this.db
        .selectFrom('memberships')
        .innerJoin('clubs', 'clubs.id', 'memberships.club_id')
        .select('clubs.schedule')
        .where('memberships.user_id', '=', userId)
        .where('memberships.status', '=', 'active')
        .where('clubs.schedule', 'is not', null)
        .execute(),
    ]);
    // Interests are stored lower-cased, like club keywords, so they compare as they are.
    const interests = Array.isArray(user?.interests) ? user.interests.filter((i): i is string => typeof i === 'string' && i !== '') : [];
    return { interests: new Set(interests), schedules: clubs.flatMap((c) => (c.schedule ? [c.schedule] : [])) };
  }
}
