import type { ConsumedItem } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { FixedCounter, gauge } from '@vigil/metrics';
import { OutageGuard, type IncidentCause } from './outage-guard';

const CAUSES = ['ingest_silent', 'volume_collapsed'] as const satisfies readonly IncidentCause[];

/**
 * Feeds the outage guard with what the scheduler judged (check-ins at their received_at, pulses as each partition's clock),
 * logs each incident once when it opens and once when it closes, and exports `vigil_outage_guard_active{cause}`
 * for the operators' one alert. Its volume rule also marks misses `unknown` (`covers`); each partition
 * judges ingest's silence itself, in its own order (`PartitionIngestBeats`).
 */
export class OutageGuardWatch {
  private readonly guard = new OutageGuard();
  private readonly incidents: FixedCounter<{ cause: typeof CAUSES }> | null;

  constructor(
    private readonly logger: Logger,
    metrics: boolean,
  ) {
    this.incidents = metrics
      ? new FixedCounter('vigil_outage_guard_incidents_total', 'Incidents the outage guard opened, by cause (decision 0023).', { cause: CAUSES })
      : null;
    if (metrics) {
      const guard = this.guard;
      gauge<'cause'>({
        name: 'vigil_outage_guard_active',
        help: "1 while the outage guard holds Vigil's own pipeline the likely cause of missing check-ins (ingest silent, or the check-in volume collapsed against its baseline), per cause; else 0.",
        labelNames: ['cause'],
        collect() {
          for (const cause of CAUSES) this.set({ cause }, guard.current?.cause === cause ? 1 : 0);
        },
      });
    }
  }

  /** True when a volume collapse the guard saw overlaps [from, to] (ingest's silence is judged per partition). */
  coversCollapse(from: number, to: number): boolean {
    return this.guard.covers(from, to, 'volume_collapsed');
  }

  /** The open incident's cause, if any (the self-heartbeat stops while one is open). */
  get incident(): IncidentCause | null {
    return this.guard.current?.cause ?? null;
  }

  /** Per check-ins partition, the latest pulse this watch has seen after counting the check-ins before it. */
  private readonly clocks = new Map<number, number>();

  /**
   * A batch the engine applied (one partition's, in its order), and the partitions this instance owns. Each
   * partition's clock here moves with the pulses of its own batches, after their check-ins were counted, and the
   * guard moves only to the earliest of the owned partitions' clocks (none while one has none): partitions are
   * applied concurrently, and one ahead of the others (a backlog, a slow or late partition) must not be judged
   * against a minute whose check-ins the others have not delivered yet.
   */
  observe(items: readonly ConsumedItem<'vigil.checkins.v1'>[], assignment: readonly number[]): void {
    for (const item of items) {
      if (item.kind === 'message') this.guard.checkin(item.payload.received_at);
      else if (item.kind === 'beat') this.guard.ingestBeat(item.at);
      else if (item.at > (this.clocks.get(item.partition) ?? Number.NEGATIVE_INFINITY)) this.clocks.set(item.partition, item.at);
    }
    let at = Number.POSITIVE_INFINITY;
    for (const partition of assignment) at = Math.min(at, this.clocks.get(partition) ?? Number.NEGATIVE_INFINITY);
    if (!Number.isFinite(at)) return;
    for (const change of this.guard.advance(at)) {
      const { incident } = change;
      if (change.kind === 'opened') {
        this.incidents?.inc({ cause: incident.cause });
        this.logger.error(
          { cause: incident.cause, from: new Date(incident.from).toISOString(), baseline_per_minute: this.guard.baseline(at) },
          "outage guard: incident opened (Vigil's own pipeline is the likely cause of missing check-ins)",
        );
      } else {
        this.logger.warn(
          { cause: incident.cause, from: new Date(incident.from).toISOString(), to: new Date(incident.to ?? at).toISOString() },
          'outage guard: incident closed',
        );
      }
    }
  }
}
