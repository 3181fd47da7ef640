import type { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;

/** Deliveries one statement deletes at most (their attempts go with them, at most VIGIL_NOTIFIER_MAX_ATTEMPTS each). */
export const DELIVERY_RETENTION_BATCH = 1000;

export interface DeliveryRetentionOutcome {
  deliveries: number;
  attempts: number;
}

/**
 * Deletes the notification deliveries that finished (`succeeded` or `dead`) more than the retention ago, with their
 * attempts (the foreign key cascades), in batches of at most `batch` deliveries, each its own short statement, so
 * a large backlog never holds many locks or one long transaction. A delivery still pending or sending is never
 * deleted, however old. The batches find their rows through `ix_deliveries_finished` (partial, on `updated_at`).
 * Rows another instance is deleting at the same moment are skipped (SKIP LOCKED).
 */
export class DeliveryRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly days: number,
    private readonly batch: number = DELIVERY_RETENTION_BATCH,
  ) {}

  async apply(now: number = Date.now()): Promise<DeliveryRetentionOutcome> {
    const cutoff = new Date(now - this.days * DAY_MS);
    const total = { deliveries: 0, attempts: 0 };
    for (;;) {
      const rows: Array<{ deliveries: string; attempts: string }> = await this.dataSource.query(
        `WITH doomed AS (
           SELECT id FROM deliveries
            WHERE status IN ('succeeded', 'dead') AND updated_at < $1
            ORDER BY updated_at
            LIMIT $2
              FOR UPDATE SKIP LOCKED),
         attempts AS (SELECT count(*) AS n FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed)),
         gone AS (DELETE FROM deliveries WHERE id IN (SELECT id FROM doomed) RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::text AS deliveries, (SELECT n FROM attempts)::text AS attempts`,
        [cutoff, this.batch],
      );
      const deleted = Number(rows[0]?.deliveries ?? 0);
      total.deliveries += deleted;
      total.attempts += Number(rows[0]?.attempts ?? 0);
      if (deleted < this.batch) return total;
    }
  }
}
