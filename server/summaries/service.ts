// Asking for a meeting's summary queues a durable job (the `jobs` table, run by the one job
// runner); the result is read back from meeting_summaries.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { summaryContentSchema, type SummaryResponse } from '../../shared/protocol/intelligence.js';

export const SUMMARY_JOB = 'meeting.summary';

export interface JobNudger {
  nudge(): void;
}

export class SummaryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobs: JobNudger,
  ) {}

  /** Queues a summary; one already queued or running is returned as it is. */
  async request(meetingId: number, userId: number): Promise<SummaryResponse> {
    await this.db.transaction().execute(async (trx) => {
      // The meeting row lock serialises parallel requests for the same meeting.
      await trx.selectFrom('meetings').select('id').where('id', '=', meetingId).forUpdate().executeTakeFirstOrThrow();
      const current = await trx.selectFrom('meeting_summaries').select('status').where('meeting_id', '=', meetingId).executeTakeFirst();
      if (current && (current.status === 'queued' || current.status === 'running')) return;
      const job = await trx.insertInto('jobs').values({ kind: SUMMARY_JOB, project_id: null, payload: JSON.stringify({ meeting_id: meetingId }), total: 1 }).returning('id').executeTakeFirstOrThrow();
      const values = { status: 'queued' as const, job_id: job.id, error: null, requested_by: userId, updated_at: new Date() };
      await trx
        .insertInto('meeting_summaries')
        .values({ meeting_id: meetingId, ...values })
        .onConflict((oc) => oc.column('meeting_id').doUpdateSet(values))
        .execute();
    });
    this.jobs.nudge();
    return this.get(meetingId);
  }

  async get(meetingId: number): Promise<SummaryResponse> {
    const row = await this.db.selectFrom('meeting_summaries').selectAll().where('meeting_id', '=', meetingId).executeTakeFirst();
    if (!row) throw new AppError('not_found', 'This meeting has no summary yet');
    const parsed = row.content === null ? null : summaryContentSchema.safeParse(row.content);
    return {
      meeting_id: row.meeting_id,
      status: row.status,
      job_id: row.job_id,
      error: row.error,
      updated_at: row.updated_at.toISOString(),
      summary: parsed?.success ? parsed.data : null,
    };
  }
}
