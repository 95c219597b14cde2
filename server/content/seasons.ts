// Seasons of a study group: clubs.season is the one under way (since clubs.renewed_at);
// club_seasons remembers the ones that ended.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import type { SeasonResponse } from '../../shared/protocol/content.js';
import type { ClubEventPublisher } from '../features.js';
import { lockClub } from './queries.js';

export function requireStudyGroup(club: { kind: 'book' | 'study' }): void {
  if (club.kind !== 'study') throw new AppError('conflict', 'Seasons and dues are for study groups only');
}

/** Clubs created before their first rollover have no renewed_at: their season began with them. */
function currentSeason(club: { season: number; renewed_at: Date | null; created_at: Date }): SeasonResponse {
  return { season: club.season, started_at: (club.renewed_at ?? club.created_at).toISOString(), ended_at: null };
}

export class SeasonService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  async list(clubId: number): Promise<SeasonResponse[]> {
    // The club first: a rollover landing in between then adds a row we skip, never a gap.
    const club = await this.db.selectFrom('clubs').select(['season', 'renewed_at', 'created_at']).where('id', '=', clubId).executeTakeFirstOrThrow();
    const past = await this.db
      .selectFrom('club_seasons')
      .select(['season', 'started_at', 'ended_at'])
      .where('club_id', '=', clubId)
      .where('season', '<', club.season)
      .orderBy('season')
      .execute();
    return [...past.map((s) => ({ season: s.season, started_at: s.started_at.toISOString(), ended_at: s.ended_at.toISOString() })), currentSeason(club)];
  }

  /** Ends the season under way and starts the next one now. */
  async startNext(clubId: number, actorId: number): Promise<SeasonResponse> {
    const next = await this.db.transaction().execute(async (trx) => {
      const club = await lockClub(trx, clubId);
      requireStudyGroup(club);
      const now = new Date();
      await trx
        .insertInto('club_seasons')
        .values({ club_id: clubId, season: club.season, started_at: club.renewed_at ?? club.created_at, ended_at: now })
        .execute();
      await trx.updateTable('clubs').set({ season: club.season + 1, renewed_at: now, updated_at: now }).where('id', '=', clubId).execute();
      return currentSeason({ season: club.season + 1, renewed_at: now, created_at: club.created_at });
    });
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'season', action: 'created', id: next.season, data: next });
    return next;
  }
}
