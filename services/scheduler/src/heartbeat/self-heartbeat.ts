import type { Logger } from '@vigil/logging';
import { FixedCounter } from '@vigil/metrics';

/** What the self-heartbeat looks at, read when it is due. */
export interface PathHealth {
  /** The scheduler is a member of its group with its partitions. */
  consuming: boolean;
  /** Wall clock minus the scheduler's event-time clock (most behind partition), ms; null: no partition has a clock. */
  clockLagMs: number | null;
  /** Check-ins the scheduler's group has not read yet; null: Kafka did not say. */
  lagMessages: number | null;
  /** The outage guard's open incident (no ingest beats, or the volume collapsed), if any (decision 0023). */
  outage?: 'ingest_silent' | 'volume_collapsed' | null;
  /** The other consuming services' groups (issues, notifier, history) and the messages each has yet to read; null: Kafka did not say. */
  groupsLag?: ReadonlyArray<{ group: string; messages: number }> | null;
  /** Alert deliveries (tests left out) that finished in the last `NOTIFICATIONS_WINDOW_MS`; null: Postgres did not say. */
  notifications?: FinishedNotifications | null;
}

export interface FinishedNotifications {
  succeeded: number;
  /** Dead-lettered: refused for good, or out of attempts. */
  dead: number;
  /** Integrations the dead ones were for. */
  deadIntegrations: number;
}

/** How far back the notifier's finished deliveries are read. */
export const NOTIFICATIONS_WINDOW_MS = 15 * 60_000;

/**
 * The notifier is held to be failing when, in the window, nothing was delivered and at least this many deliveries to
 * at least two integrations were dead-lettered: one user's broken endpoint is theirs to fix (the delivery log shows
 * it), every endpoint failing at once is Vigil's.
 */
export const DEAD_NOTIFICATIONS_MIN = 3;

export interface HeartbeatLimits {
  maxClockLagMs: number;
  maxLag: number;
}

/** Why the heartbeat is withheld, or null when the path is healthy. */
export function withheldBecause(health: PathHealth, limits: HeartbeatLimits): string | null {
  if (!health.consuming) return 'the scheduler is not consuming check-ins';
  if (health.clockLagMs === null) return 'the scheduler has no clock yet (no pulse went through Kafka)';
  if (health.clockLagMs > limits.maxClockLagMs) return `the scheduler's clock is ${Math.round(health.clockLagMs / 1000)} s behind`;
  if (health.lagMessages === null) return 'Kafka does not tell the consumer lag';
  if (health.lagMessages > limits.maxLag) return `the scheduler is ${health.lagMessages} check-ins behind`;
  if (health.outage === 'ingest_silent') return 'no ingest instance writes beats (the outage guard holds ingest down)';
  if (health.outage === 'volume_collapsed') return 'the check-in volume collapsed (the outage guard holds the pipeline down)';
  if (health.groupsLag === null) return "Kafka does not tell the other consumer groups' lag";
  const behind = (health.groupsLag ?? []).find((lag) => lag.messages > limits.maxLag);
  if (behind) return `the ${behind.group} consumer group is ${behind.messages} messages behind`;
  if (health.notifications === null) return "Postgres does not tell the notifier's deliveries";
  const notifications = health.notifications;
  if (notifications && notifications.succeeded === 0 && notifications.dead >= DEAD_NOTIFICATIONS_MIN && notifications.deadIntegrations >= 2) {
    return `the notifier dead-lettered every alert that finished in the last ${NOTIFICATIONS_WINDOW_MS / 60_000} minutes (${notifications.dead}, to ${notifications.deadIntegrations} integrations)`;
  }
  return null;
}

export interface SelfHeartbeatOptions extends HeartbeatLimits {
  url: string;
  intervalMs: number;
  health: () => Promise<PathHealth>;
  logger: Logger;
  /** Counts heartbeats (metrics on); null: not counted. */
  metrics: boolean;
  /** Budget of one GET. */
  timeoutMs?: number;
}

const OUTCOMES = ['sent', 'failed', 'withheld'] as const;

/**
 * Vigil's own dead man's switch: every interval, while the path a check-in takes to detection is healthy (see
 * `withheldBecause`), a GET to an outside monitor's URL. When Vigil stops, or Kafka, or the scheduler falls behind,
 * the heartbeats stop and the outside monitor alerts. The URL is a credential: it is never logged.
 */
export class SelfHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private lastWithheld: string | null = null;
  private readonly counts: FixedCounter<{ outcome: typeof OUTCOMES }> | null;

  constructor(private readonly options: SelfHeartbeatOptions) {
    this.counts = options.metrics
      ? new FixedCounter(
          'vigil_self_heartbeats_total',
          "Self-heartbeats due, by outcome: sent (the outside monitor answered 2xx), failed (it did not), withheld (Vigil's path is not healthy).",
          { outcome: OUTCOMES },
        )
      : null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One heartbeat, if the path is healthy (the timer calls it; tests may too). */
  async beat(): Promise<void> {
    const { logger } = this.options;
    const reason = withheldBecause(await this.options.health(), this.options);
    if (reason !== null) {
      this.counts?.inc({ outcome: 'withheld' });
      if (reason !== this.lastWithheld) logger.warn({ reason }, 'self-heartbeat withheld: the outside monitor will alert if this lasts');
      this.lastWithheld = reason;
      return;
    }
    if (this.lastWithheld !== null) logger.info('self-heartbeat resumed');
    this.lastWithheld = null;
    try {
      const response = await fetch(this.options.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 10000) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`answered ${response.status}`);
      this.counts?.inc({ outcome: 'sent' });
    } catch (error) {
      this.counts?.inc({ outcome: 'failed' });
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'self-heartbeat not delivered');
    }
  }
}
