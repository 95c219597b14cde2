// A background loop that runs one pass at a time: `nudge()` starts a pass, or, if one is
// running, schedules exactly one more after it; a timer nudges it periodically as a safety
// net. Used by the mail outbox and the image job runner.
export class SerialWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private isStopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Passes check this between units of work, so stop() takes effect promptly. */
  get stopped(): boolean {
    return this.isStopped;
  }

  start(pollMs: number): void {
    this.timer = setInterval(() => this.nudge(), pollMs);
    this.timer.unref();
    this.nudge();
  }

  nudge(): void {
    if (this.isStopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Stops nudging and waits for the pass in hand (at most `waitMs`, when given). */
  async stop(waitMs?: number): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    if (waitMs === undefined) {
      await this.running;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }
}
