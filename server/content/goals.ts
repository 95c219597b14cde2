// Goals: sub-goals, homework, meetings and the like, each with an optional date range and a done flag.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, validationError } from '../../shared/errors.js';
import type { Page } from '../../shared/protocol/common.js';
import type { GoalCreate, GoalListQuery, GoalResponse, GoalUpdate } from '../../shared/protocol/content.js';
import type { ClubEventPublisher } from '../features.js';
import { goalQuery, listGoals, toGoal } from './goal-queries.js';

export class GoalService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  list(clubId: number, query: GoalListQuery): Promise<Page<GoalResponse>> {
    return listGoals(this.db, clubId, query);
  }

  private async get(clubId: number, goalId: number): Promise<GoalResponse> {
    const row = await goalQuery(this.db, clubId).where('g.id', '=', goalId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'Goal not found');
    return toGoal(row);
  }

  async create(clubId: number, actorId: number, input: GoalCreate): Promise<GoalResponse> {
    const { id } = await this.db
      .insertInto('club_goals')
      .values({ club_id: clubId, ...input, created_by: actorId, updated_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.announce(clubId, actorId, id, 'created');
  }

  async update(clubId: number, goalId: number, actorId: number, input: GoalUpdate): Promise<GoalResponse> {
    await this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('club_goals').select(['starts_on', 'ends_on']).where('id', '=', goalId).where('club_id', '=', clubId).forUpdate().executeTakeFirst();
      if (!current) throw new AppError('not_found', 'Goal not found');
      // One date may move alone; it must still fit the other one already stored (null clears one).
      const startsOn = input.starts_on !== undefined ? input.starts_on : current.starts_on;
      const endsOn = input.ends_on !== undefined ? input.ends_on : current.ends_on;
      if (startsOn !== null && endsOn !== null && endsOn < startsOn) {
        throw validationError(
          input.ends_on !== undefined ? [{ path: 'ends_on', message: 'must not be before starts_on' }] : [{ path: 'starts_on', message: 'must not be after ends_on' }],
        );
      }
      await trx.updateTable('club_goals').set({ ...input, updated_at: new Date() }).where('id', '=', goalId).execute();
    });
    return this.announce(clubId, actorId, goalId, 'updated');
  }

  /** Marks a goal done (remembering who and when) or not done; a no-op keeps the first record. */
  async setDone(clubId: number, goalId: number, actorId: number, done: boolean): Promise<GoalResponse> {
    const now = new Date();
    const result = await this.db
      .updateTable('club_goals')
      .set({ done, done_at: done ? now : null, done_by: done ? actorId : null, updated_at: now })
      .where('id', '=', goalId)
      .where('club_id', '=', clubId)
      .where('done', '=', !done)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return this.get(clubId, goalId);
    return this.announce(clubId, actorId, goalId, 'updated');
  }

  async remove(clubId: number, goalId: number, actorId: number): Promise<void> {
    const result = await this.db.deleteFrom('club_goals').where('id', '=', goalId).where('club_id', '=', clubId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'Goal not found');
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'goal', action: 'deleted', id: goalId });
  }

  private async announce(clubId: number, actorId: number, goalId: number, action: 'created' | 'updated'): Promise<GoalResponse> {
    const goal = await this.get(clubId, goalId);
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'goal', action, id: goalId, data: goal });
    return goal;
  }
}
