import type { ConsumedItem } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { FixedCounter, gauge } from '@vigil/metrics';
import { OutageGuard, type IncidentCause } from './outage-guard';

const CAUSES = ['ingest_silent', 'volume_collapsed'] as const satisfies readonly IncidentCause[];

/**
 * Feeds the outage guard with what the scheduler judged (check-ins at their received_at, the engine's clock),
 * logs each incident once when it opens and once when it closes, and exports `vigil_outage_guard_active{cause}`
 * for the operators' one alert. It only observes: turning the misses of an incident into `unknown` is the
 * remaining part of decision 0021.
 */
export class OutageGuardWatch {
  private readonly guard = new OutageGuard();
  private readonly incidents: FixedCounter<{ cause: typeof CAUSES }> | null;

  constructor(
    private readonly logger: Logger,
    metrics: boolean,
  ) {
    this.incidents = metrics
      ? new FixedCounter('vigil_outage_guard_incidents_total', 'Incidents the outage guard opened, by cause (decision 0021).', { cause: CAUSES })
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

  /**
   * A batch the engine applied, and the engine's clock after it: the earliest clock of the partitions it owns
   * (`DetectionEngine.clocks()`). The guard moves only to that time, never to one partition's pulse: partitions are
   * applied concurrently, and one ahead of the others (a backlog, a slow partition) would otherwise be judged
   * against a minute whose check-ins the others have not delivered yet.
   */
  observe(items: readonly ConsumedItem<'vigil.checkins.v1'>[], clocks: readonly number[]): void {
    for (const item of items) if (item.kind === 'message') this.guard.checkin(item.payload.received_at);
    if (clocks.length === 0) return;
    const at = Math.min(...clocks);
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
