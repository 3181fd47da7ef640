import { FixedCounter, histogram } from '@vigil/metrics';

export const HISTORY_TABLES = ['checkins', 'monitor_states', 'processing_errors'] as const;
export type HistoryTable = (typeof HISTORY_TABLES)[number];

/** History's metrics: rows written to ClickHouse and the time of each insert, per table. */
export class HistoryMetrics {
  private readonly rows = new FixedCounter(
    'vigil_history_rows_written_total',
    'Rows history inserted into ClickHouse, per table (a batch repeated after a crash counts again).',
    {
      table: HISTORY_TABLES,
    },
  );
  private readonly inserts = histogram<'table'>({
    name: 'vigil_history_insert_duration_seconds',
    help: 'Time of one ClickHouse insert (up to VIGIL_HISTORY_BATCH_SIZE rows), per table; failed inserts are not observed.',
    labelNames: ['table'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  /** Times one insert of `rows` rows into `table`; counts the rows once it succeeded. */
  async measure(table: HistoryTable, rows: number, insert: () => Promise<void>): Promise<void> {
    const end = this.inserts.startTimer({ table });
    await insert();
    end();
    this.rows.inc({ table }, rows);
  }
}
