// Time as a dependency: services that wait (grace periods, sweeps, refreshes, rate windows)
// take a Clock, so tests can move time forward instead of sleeping through it.

/** A pending timeout or interval. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
  /** Runs `fn` once after `ms`. */
  timeout(fn: () => void, ms: number): Timer;
  /** Runs `fn` every `ms` until cancelled. */
  interval(fn: () => void, ms: number): Timer;
}

/** Real time; its timers never keep the process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  timeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  interval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};
