// A clock a test moves by hand: advance(ms) runs every timer that falls due, in order, each
// seeing now() at its own due time.
import type { Clock, Timer } from '../../shared/clock.js';

interface Scheduled {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private nextId = 0;
  private readonly timers = new Map<number, Scheduled>();

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  timeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, null);
  }

  interval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  /** Timers not yet run or cancelled. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running what falls due on the way (timers set meanwhile included). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.earliestDueBy(target);
      if (!next) break;
      this.current = next.due;
      if (next.every === null) this.timers.delete(next.id);
      else next.due += next.every;
      next.fn();
    }
    this.current = target;
  }

  private earliestDueBy(target: number): Scheduled | undefined {
    let found: Scheduled | undefined;
    for (const timer of this.timers.values()) {
      if (timer.due <= target && (!found || timer.due < found.due || (timer.due === found.due && timer.id < found.id))) found = timer;
    }
    return found;
  }

  private schedule(fn: () => void, ms: number, every: number | null): Timer {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), every, fn });
    return { cancel: () => this.timers.delete(id) };
  }
}
