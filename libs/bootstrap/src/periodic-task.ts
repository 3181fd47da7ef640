import type { Logger } from '@vigil/logging';

/**
 * A job a service runs now and then every `everyMs` (retention, for one): never two runs at once (a tick while
 * one runs is skipped), a failed run is logged and the next tick tries again, and `stop` waits for the run in
 * hand, so a service stops it before closing the clients the job uses. The timer keeps no process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly run: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.run()
      .catch((error: unknown) => {
        this.logger.error({ task: this.name, err: error }, 'periodic task failed; the next run tries again');
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
