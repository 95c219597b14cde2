// A token bucket per socket and kind of event: `ratePerSecond` refills it, `burst` is its size.
// Cheap enough to run before anything else an event costs (parsing, the database).
import { systemClock, type Clock } from '../shared/clock.js';

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** A rate of 0 means no limit. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes one token: 0 when allowed, otherwise the seconds until one is available. */
  take(): number {
    if (this.ratePerSecond <= 0) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.ratePerSecond;
  }
}
