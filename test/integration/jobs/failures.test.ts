// A job that fails on something other than our own error (a database or library message, a
// file path) tells its readers only that it failed; the detail goes to the server log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { migrateToLatest } from '../../../db/migrate.js';
import { openDatabase, type DatabaseHandle } from '../../../db/open.js';
import { createMemoryBus } from '../../../server/bus/memory.js';
import { ModelRegistry } from '../../../server/inference/registry.js';
import { JobRunner } from '../../../server/projects/jobs.js';
import { BlobStore } from '../../../server/uploads/store.js';
import { AppError } from '../../../shared/errors.js';
import { createLogger } from '../../../shared/logger.js';
import { waitFor } from '../../helpers/wait.js';

describe('jobs: what a failure tells its readers', function () {
  this.timeout(30_000);
  let database: DatabaseHandle;
  let runner: JobRunner;
  const lines: string[] = [];
  const failures = new Map<number, string>();
  const marker = `/srv/secret-path-${randomBytes(12).toString('hex')}`;
  const ours = `the book ${randomBytes(12).toString('hex')} has no chapters yet`;

  before(async () => {
    database = await openDatabase({ pgliteDir: 'memory://' });
    await migrateToLatest(database.db);
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const models = new ModelRegistry([], { ocrThreads: 1, warmup: false }, logger);
    runner = new JobRunner(database.db, models, new BlobStore(fs.mkdtempSync(path.join(os.tmpdir(), 'rt-jobs-'))), createMemoryBus(logger), logger, { pollMs: 20 });
    runner.handle('test.failing', {
      run: async (payload) => {
        const { which } = payload as { which: 'library' | 'ours' };
        if (which === 'ours') throw new AppError('conflict', ours);
        throw new Error(`ENOENT: no such file or directory, open '${marker}'`);
      },
      failed: async (payload, error) => void failures.set((payload as { id: number }).id, error),
    });
    runner.start();
  });
  after(async () => {
    await runner.close();
    await database.close();
  });

  it('says a library failure only happened, logs its detail, and keeps our own errors in their words', async () => {
    for (const [id, which] of [[1, 'library'], [2, 'ours']] as const) {
      await database.db.insertInto('jobs').values({ kind: 'test.failing', project_id: null, payload: JSON.stringify({ id, which }), total: 1 }).execute();
    }
    runner.nudge();
    await waitFor(() => failures.size === 2, 'both jobs to fail');
    assert.ok(!failures.get(1)?.includes(marker), failures.get(1));
    assert.match(failures.get(1) ?? '', /server log/);
    assert.equal(failures.get(2), ours);
    const stored = await database.db.selectFrom('jobs').select(['payload', 'error']).orderBy('id').execute();
    assert.ok(stored.every((row) => !String(row.error).includes(marker)));
    assert.ok(lines.some((line) => line.includes(marker)), 'the detail is in the log');
  });
});
