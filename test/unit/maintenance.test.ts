// The maintenance sweep's passes, on a clock moved by hand: each hour a pass runs every task, a
// failing task does not stop the others, and waiting for a pass that will never come fails.
import assert from 'node:assert/strict';
import { MAINTENANCE_EVERY_MS, MaintenanceSweep, type MaintenanceTask } from '../../server/maintenance.js';
import { createLogger } from '../../shared/logger.js';
import { ManualClock } from '../helpers/clock.js';

function counting(name: string): MaintenanceTask & { runs: number } {
  const task = {
    name,
    runs: 0,
    run: async () => ({ swept: ++task.runs }),
  };
  return task;
}

describe('maintenance sweep', () => {
  it('runs every task at start and once per hour, past a task that fails', async () => {
    const clock = new ManualClock();
    const first = counting('first');
    const broken: MaintenanceTask = { name: 'broken', run: () => Promise.reject(new Error('the table is locked')) };
    const last = counting('last');
    const sweep = new MaintenanceSweep([first, broken, last], clock, createLogger('silent'));
    const atStart = sweep.nextPass();
    sweep.start();
    assert.deepEqual(await atStart, { first: { swept: 1 }, broken: { error: 'the table is locked' }, last: { swept: 1 } });
    const hourLater = sweep.nextPass();
    clock.advance(MAINTENANCE_EVERY_MS);
    assert.deepEqual((await hourLater).last, { swept: 2 });
    await sweep.stop();
  });

  it('fails a wait for the next pass once the sweep stops, instead of leaving it waiting', async () => {
    const clock = new ManualClock();
    const sweep = new MaintenanceSweep([counting('only')], clock, createLogger('silent'));
    const first = sweep.nextPass();
    sweep.start();
    await first;
    const never = sweep.nextPass();
    await sweep.stop();
    await assert.rejects(never, /maintenance stopped before its next pass/);
  });
});
