import assert from 'node:assert/strict';
import { ManualClock } from '../helpers/clock.js';

describe('ManualClock', () => {
  it('runs due timers in order at their own times, repeats intervals, and skips cancelled ones', () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.timeout(() => seen.push(`b@${clock.now()}`), 20);
    const every = clock.interval(() => seen.push(`i@${clock.now()}`), 15);
    clock.timeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.timeout(() => seen.push('never'), 25).cancel();
    clock.advance(9);
    assert.deepEqual(seen, []);
    clock.advance(26);
    assert.deepEqual(seen, ['a@1010', 'i@1015', 'b@1020', 'i@1030']);
    assert.equal(clock.now(), 1035);
    every.cancel();
    clock.advance(100);
    assert.equal(seen.length, 4);
    assert.equal(clock.pending, 0);
  });

  it('runs a timer set by a timer when it falls due within the same advance', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.timeout(() => clock.timeout(() => seen.push(clock.now()), 5), 5);
    clock.advance(10);
    assert.deepEqual(seen, [10]);
  });
});
