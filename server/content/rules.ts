// Rules: a club's short, numbered house rules.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { MAX_RULES, type RuleResponse } from '../../shared/protocol/content.js';
import type { ClubEventPublisher } from '../features.js';
import { lockClub } from './queries.js';

function listRules(db: Kysely<Database>, clubId: number): Promise<RuleResponse[]> {
  return db.selectFrom('club_rules').select(['id', 'position', 'text']).where('club_id', '=', clubId).orderBy('position').execute();
}

export class RuleService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: ClubEventPublisher,
  ) {}

  list(clubId: number): Promise<RuleResponse[]> {
    return listRules(this.db, clubId);
  }

  /** Swaps the whole list in one transaction: readers see the old rules or the new, never a mix. */
  async replace(clubId: number, actorId: number, texts: string[]): Promise<RuleResponse[]> {
    const rules = await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      await trx.deleteFrom('club_rules').where('club_id', '=', clubId).execute();
      if (texts.length > 0) {
        await trx.insertInto('club_rules').values(texts.map((text, position) => ({ club_id: clubId, position, text }))).execute();
      }
      return listRules(trx, clubId);
    });
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'rule', action: 'updated', id: null, data: { rules } });
    return rules;
  }

  async add(clubId: number, actorId: number, text: string): Promise<RuleResponse> {
    const rule = await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const { count, last } = await trx
        .selectFrom('club_rules')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max<number | null>('position').as('last')])
        .where('club_id', '=', clubId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_RULES) throw new AppError('conflict', `A club keeps at most ${MAX_RULES} rules`);
      return trx
        .insertInto('club_rules')
        .values({ club_id: clubId, position: (last ?? -1) + 1, text })
        .returning(['id', 'position', 'text'])
        .executeTakeFirstOrThrow();
    });
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'rule', action: 'created', id: rule.id, data: rule });
    return rule;
  }

  /** Deletes one rule and closes the gap, so the numbering stays 1, 2, 3… */
  async remove(clubId: number, ruleId: number, actorId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockClub(trx, clubId);
      const removed = await trx.deleteFrom('club_rules').where('id', '=', ruleId).where('club_id', '=', clubId).returning('position').executeTakeFirst();
      if (!removed) throw new AppError('not_found', 'Rule not found');
      await trx
        .updateTable('club_rules')
        .set({ position: sql<number>`position - 1` })
        .where('club_id', '=', clubId)
        .where('position', '>', removed.position)
        .execute();
    });
    await this.events.publish(clubId, actorId, { type: 'content.changed', resource: 'rule', action: 'deleted', id: ruleId });
  }
}
