import { atLeast, CURRENT_CLICKHOUSE, identifier, serverVersion, sql, type ClickHouse } from '@vigil/clickhouse';

const DAY_MS = 86_400_000;

/** The tables history keeps for VIGIL_RETENTION_DAYS, each by the time its rows are dated by (and partitioned by, per month). */
export const RETAINED_TABLES = [
  { table: 'checkins', column: 'received_at' },
  { table: 'processing_errors', column: 'received_at' },
  { table: 'monitor_states', column: 'at' },
] as const;

export type RetentionOutcome =
  /** Current ClickHouse: the tables whose TTL was set to the retention (none when it already was). */
  | { mode: 'ttl'; changed: string[] }
  /** ClickHouse before 20.3 (18.16): the monthly partitions dropped, each entirely older than the retention. */
  | { mode: 'partitions'; dropped: Array<{ table: string; partition: number }> };

/**
 * The `toYYYYMM` partitions every row of which is older than `cutoffMs`: those whose month ended at or before it.
 * A month that straddles the cutoff stays whole until it has passed entirely (rows live up to a month longer).
 */
export function partitionsEntirelyBefore(partitions: readonly number[], cutoffMs: number): number[] {
  return partitions.filter((partition) => {
    const year = Math.floor(partition / 100);
    const month = partition % 100; // 1..12: Date.UTC's month index of the month after it
    return Date.UTC(year, month, 1) <= cutoffMs;
  });
}

/**
 * Keeps history's tables to the configured number of days. On a server with TTL (CURRENT_CLICKHOUSE and later)
 * it sets `TTL <time> + INTERVAL <days> DAY` on each table when the table's TTL says otherwise, and ClickHouse
 * deletes expired rows as it merges (a changed TTL is applied to the existing parts in the background). On an
 * older server (18.16 has no TTL) it drops the monthly partitions entirely older than the retention. Safe to run
 * from every history instance at once: both are idempotent.
 */
export class HistoryRetention {
  constructor(
    private readonly clickhouse: ClickHouse,
    private readonly days: number,
  ) {}

  async apply(now: number = Date.now()): Promise<RetentionOutcome> {
    const server = await serverVersion(this.clickhouse);
    return atLeast(server, CURRENT_CLICKHOUSE)
      ? { mode: 'ttl', changed: await this.setTtl() }
      : { mode: 'partitions', dropped: await this.dropPartitions(now) };
  }

  private async engine(table: string): Promise<string> {
    const [row] = await this.clickhouse.query<{ engine_full: string }>(
      sql`SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = ${table}`,
    );
    if (!row) throw new Error(`retention: table ${table} does not exist (run the ClickHouse migrations)`);
    return row.engine_full;
  }

  private async setTtl(): Promise<string[]> {
    const changed: string[] = [];
    for (const { table, column } of RETAINED_TABLES) {
      const ttl = /\bTTL (\w+) \+ toIntervalDay\((\d+)\)/.exec(await this.engine(table));
      if (ttl?.[1] === column && Number(ttl[2]) === this.days) continue;
      await this.clickhouse.command(sql`ALTER TABLE ${identifier(table)} MODIFY TTL ${identifier(column)} + INTERVAL ${this.days} DAY`);
      changed.push(table);
    }
    return changed;
  }

  private async dropPartitions(now: number): Promise<Array<{ table: string; partition: number }>> {
    const cutoff = now - this.days * DAY_MS;
    const dropped: Array<{ table: string; partition: number }> = [];
    for (const { table, column } of RETAINED_TABLES) {
      // Dropping a partition is right only while partitions are months of the retention's time column.
      if (!(await this.engine(table)).includes(`PARTITION BY toYYYYMM(${column})`)) {
        throw new Error(`retention: ${table} is not partitioned by toYYYYMM(${column}); refusing to drop its partitions`);
      }
      const rows = await this.clickhouse.query<{ partition: string }>(
        sql`SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = ${table} AND active`,
      );
      const months = rows.map((row) => row.partition).filter((partition) => /^\d{6}$/.test(partition));
      for (const partition of partitionsEntirelyBefore(months.map(Number), cutoff).sort()) {
        await this.clickhouse.command(sql`ALTER TABLE ${identifier(table)} DROP PARTITION ${partition}`);
        dropped.push({ table, partition });
      }
    }
    return dropped;
  }
}
