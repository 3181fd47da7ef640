import { INTEGRATION_TYPES } from '@vigil/contracts';
import { FixedCounter, optionalGauge, histogram } from '@vigil/metrics';
import type { DataSource } from 'typeorm';
import type { DeliveryOutcome } from '../deliveries/delivery-dispatcher';
import type { ClaimedDelivery } from '../deliveries/delivery-ledger';

const OUTCOMES = ['delivered', 'retrying', 'dead'] as const satisfies readonly DeliveryOutcome[];

/**
 * The notifier's metrics: delivery attempts per channel and outcome, the time from an issue's transition to its
 * alert delivered, and the deliveries waiting (from Postgres at each scrape). Returns what the dispatcher calls.
 */
export function notifierMetrics(dataSource: DataSource, now: () => number = Date.now): (delivery: ClaimedDelivery, outcome: DeliveryOutcome) => void {
  const deliveries = new FixedCounter(
    'vigil_notification_deliveries_total',
    'Delivery attempts per channel (integration type) and outcome: delivered, retrying (failed, another attempt follows), dead (given up, dead-lettered).',
    { channel: INTEGRATION_TYPES, outcome: OUTCOMES },
  );
  const delay = histogram({
    name: 'vigil_notification_delay_seconds',
    help: "From an issue's transition (opened or resolved, event time) to its alert delivered, retries included; test notifications are left out.",
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  });
  optionalGauge({
    name: 'vigil_notifications_pending',
    help: 'Deliveries not finished yet (pending or being sent, retries waiting included), from Postgres at each scrape.',
    read: async () => {
      const rows: Array<{ count: string }> = await dataSource.query(`SELECT count(*) AS count FROM deliveries WHERE status IN ('pending', 'sending')`);
      return Number(rows[0]?.count ?? 0);
    },
  });
  return (delivery, outcome) => {
    deliveries.inc({ channel: delivery.integration.type, outcome });
    if (outcome === 'delivered' && delivery.kind !== 'test') delay.observe(Math.max(0, (now() - delivery.alert.occurredAt) / 1000));
  };
}
