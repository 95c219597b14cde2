// What a started server has to close, in the reverse order it was opened. A failed start closes
// what it had opened; a normal shutdown runs its ordered steps first (runtime.ts), then this.
import type { Logger } from '../../shared/logger.js';

export class Cleanup {
  private readonly steps: Array<() => Promise<void> | void> = [];

  constructor(private readonly logger: Logger) {}

  push(...steps: Array<() => Promise<void> | void>): void {
    this.steps.push(...steps);
  }

  /** Runs every step, last pushed first; one that fails is logged and the others still run. */
  async closeAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'error while closing');
      }
    }
  }
}
