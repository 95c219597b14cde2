// Durable image jobs. A job is a row; a node claims it with a lease it keeps renewing, and
// records each image's result in the same transaction that counts it done. So a job
// interrupted by a restart (or a crash, once the lease runs out) resumes on any node where
// it stopped, and no image is processed twice within a job.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { Bus } from '../../shared/bus.js';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ModelRegistry } from '../inference/registry.js';
import { SerialWorker } from '../serial-worker.js';
import type { BlobStore } from '../uploads/store.js';

const MAX_ATTEMPTS = 3;

interface ClaimedJob {
  id: number;
  kind: string;
  project_id: number | null;
  payload: { image_ids: number[]; model_id: string };
  done: number;
  total: number;
  attempts: number;
}

/** What a handler knows of the job it runs. */
export interface JobContext {
  id: number;
  /** True once the runner is stopping: a long job answers 'handed-back' at its next step. */
  stopped(): boolean;
}

/** Runs jobs of another kind than image projects (a meeting summary, say) in the same loop. */
export interface JobHandler {
  /**
   * Does the whole job; throwing fails it. Must be safe to run again after an interruption.
   * 'handed-back': it stopped early because the runner is stopping, and runs again later.
   */
  run(payload: unknown, job: JobContext): Promise<void | 'handed-back'>;
  /** The job failed for good (error thrown, or too many attempts). */
  failed(payload: unknown, error: string, job?: JobContext): Promise<void>;
}

const IMAGE_JOB = 'project.images';

/**
 * What a failed job says to the people who read it (GET of the project, summary or recording):
 * our own errors in their words; anything else (a database or library message) only as a
 * failure, its detail in the log.
 */
export function failureText(err: unknown): string {
  return err instanceof AppError ? err.message : 'it failed on the server; the server log has the detail';
}

export interface JobRunnerOptions {
  leaseMs?: number;
  pollMs?: number;
}

export class JobRunner {
  private readonly nodeId = randomUUID();
  private readonly leaseMs: number;
  private readonly worker: SerialWorker;
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly models: ModelRegistry,
    private readonly blobs: BlobStore,
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.worker = new SerialWorker(
      () => this.drain(),
      (err) => this.logger.error({ err: err.message }, 'job runner failed'),
    );
  }

  start(): void {
    this.worker.start(this.options.pollMs ?? 2000);
  }

  /** Jobs of `kind` go to `handler`; register before start(). */
  handle(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  nudge(): void {
    this.worker.nudge();
  }

  /** Finishes the image in hand, hands the job back to the queue, and stops. */
  async close(): Promise<void> {
    await this.worker.stop();
  }

  private async drain(): Promise<void> {
    await this.models.start(); // jobs wait for warm models
    while (!this.worker.stopped) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const { rows } = await sql<ClaimedJob>`
      UPDATE jobs SET status = 'running', claimed_by = ${this.nodeId},
        claimed_until = now() + make_interval(secs => ${this.leaseMs / 1000}),
        attempts = attempts + 1, started_at = coalesce(started_at, now())
      WHERE id = (
        SELECT id FROM jobs
        WHERE status = 'queued' OR (status = 'running' AND claimed_until < now())
        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, project_id, payload, done, total, attempts`.execute(this.db);
    return rows[0];
  }

  private async run(job: ClaimedJob): Promise<void> {
    if (job.kind !== IMAGE_JOB) return this.runHandled(job);
    const log = this.logger.child({ jobId: job.id, projectId: job.project_id });
    if (job.attempts > MAX_ATTEMPTS) return this.finish(job, 'failed', `gave up after ${MAX_ATTEMPTS} attempts`);
    let engine;
    try {
      engine = this.models.engine(job.payload.model_id);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'no engine for the job');
      return this.finish(job, 'failed', `the model ${job.payload.model_id} is not available`);
    }
    const finished = new Set(
      (await this.db.selectFrom('image_results').select('image_id').where('job_id', '=', job.id).execute()).map((r) => r.image_id),
    );
    for (const imageId of job.payload.image_ids) {
      if (this.worker.stopped) {
        await this.release(job);
        log.info({ done: finished.size }, 'job handed back for later');
        return;
      }
      if (finished.has(imageId)) continue;
      const image = await this.db
        .selectFrom('project_images')
        .innerJoin('files', 'files.id', 'project_images.file_id')
        .select(['project_images.id', 'files.sha256'])
        .where('project_images.id', '=', imageId)
        .executeTakeFirst();
      if (image) {
        const started = Date.now();
        let result;
        try {
          result = await engine.read(await this.blobs.read(image.sha256));
        } catch (err) {
          log.error({ imageId, err: (err as Error).message }, 'image failed');
          return this.finish(job, 'failed', `image ${imageId}: ${failureText(err)}`);
        }
        const ms = Date.now() - started;
        await this.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('image_results')
            .values({ image_id: imageId, job_id: job.id, model_id: job.payload.model_id, orientation: result.orientation, lines: JSON.stringify(result.lines), text: result.lines.map((l) => l.text).join('\n'), ms })
            .onConflict((oc) =>
              oc.column('image_id').doUpdateSet((eb) => ({
                job_id: eb.ref('excluded.job_id'),
                model_id: eb.ref('excluded.model_id'),
                orientation: eb.ref('excluded.orientation'),
                lines: eb.ref('excluded.lines'),
                text: eb.ref('excluded.text'),
                ms: eb.ref('excluded.ms'),
                created_at: new Date(),
              })),
            )
            .execute();
          await trx
            .updateTable('jobs')
            .set((eb) => ({ done: eb('done', '+', 1), claimed_until: new Date(Date.now() + this.leaseMs) }))
            .where('id', '=', job.id)
            .execute();
        });
        log.info({ imageId, ms, lines: result.lines.length }, 'image processed');
      }
      finished.add(imageId);
      await this.progress(job, finished.size, 'running');
    }
    await this.finish(job, 'completed');
  }

  private async runHandled(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const fail = async (error: string) => {
      await handler?.failed(job.payload, error, { id: job.id, stopped: () => this.worker.stopped });
      await this.finish(job, 'failed', error);
    };
    if (!handler) return fail(`no handler for ${job.kind} jobs`);
    if (job.attempts > MAX_ATTEMPTS) return fail(`gave up after ${MAX_ATTEMPTS} attempts`);
    let outcome: void | 'handed-back';
    try {
      outcome = await handler.run(job.payload, { id: job.id, stopped: () => this.worker.stopped });
    } catch (err) {
      this.logger.error({ jobId: job.id, kind: job.kind, err: (err as Error).message }, 'job failed');
      return fail(failureText(err));
    }
    if (outcome === 'handed-back') {
      await this.release(job);
      this.logger.info({ jobId: job.id, kind: job.kind }, 'job handed back for later');
      return;
    }
    await this.finish(job, 'completed');
  }

  private async release(job: ClaimedJob): Promise<void> {
    // A hand-back at shutdown is not a failed attempt.
    await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'queued', claimed_by: null, claimed_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', job.id)
      .execute();
  }

  private async finish(job: ClaimedJob, status: 'completed' | 'failed', error?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('jobs').set({ status, finished_at: new Date(), claimed_until: null, error: error ?? null }).where('id', '=', job.id).execute();
      if (job.project_id !== null) {
        await trx
          .updateTable('projects')
          .set({ status: status === 'completed' ? 'COMPLETED' : 'FAILED', updated_at: new Date() })
          .where('id', '=', job.project_id)
          .execute();
      }
    });
    if (error) this.logger.warn({ jobId: job.id, error }, 'job failed');
    await this.progress(job, job.total, status);
  }

  private async progress(job: ClaimedJob, done: number, status: 'running' | 'completed' | 'failed'): Promise<void> {
    if (job.project_id === null) return;
    const project = await this.db.selectFrom('projects').select('owner_id').where('id', '=', job.project_id).executeTakeFirst();
    if (!project) return;
    await this.bus.publish('project.progress', { projectId: job.project_id, ownerId: project.owner_id, jobId: job.id, done: Math.min(done, job.total), total: job.total, status });
  }
}
