import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

/** Dependencies a service needs before it can do its work; /readyz asks each of them. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly informational = new Set<string>();
  private readonly liveness = new Map<string, () => boolean>();
  private readonly restartListeners: Array<(reason: Error) => void> = [];
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /**
   * A check /readyz reports but does not need: the service works without it for a while (ingest answers from
   * its in-memory view while Postgres is down, so taking it out of a load balancer would make things worse).
   */
  markInformational(name: string): void {
    this.informational.add(name);
  }

  /** A check /healthz asks: false means the process cannot recover by itself and must be restarted. */
  registerLiveness(name: string, check: () => boolean): void {
    this.liveness.set(name, check);
  }

  evaluateLiveness(): { alive: boolean; checks: Record<string, boolean> } {
    const checks = Object.fromEntries([...this.liveness].map(([name, check]) => [name, check()]));
    return { alive: Object.values(checks).every(Boolean), checks };
  }

  /** Something in the process gave up for good: the service shuts down and exits non-zero (see runService). */
  requestRestart(reason: Error): void {
    for (const listener of this.restartListeners) listener(reason);
  }

  onRestartRequested(listener: (reason: Error) => void): void {
    this.restartListeners.push(listener);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async evaluate(timeoutMs = 2000): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        });
        const ok = await Promise.race([check().catch(() => false), timeout]);
        clearTimeout(timer);
        return [name, ok] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: !this.shuttingDown && entries.every(([name, ok]) => ok || this.informational.has(name)), checks };
  }
}
