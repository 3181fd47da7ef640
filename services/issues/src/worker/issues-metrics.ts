import { optionalGauge } from '@vigil/metrics';
import type { DataSource } from 'typeorm';

/** The issues service's metrics, read from Postgres at each scrape. */
export function issuesMetrics(dataSource: DataSource): void {
  optionalGauge({
    name: 'vigil_issues_open',
    help: 'Issues open now, in every organization (from Postgres at each scrape; absent while Postgres does not answer).',
    read: async () => {
      const rows: Array<{ count: string }> = await dataSource.query(`SELECT count(*) AS count FROM issues WHERE status = 'open'`);
      return Number(rows[0]?.count ?? 0);
    },
  });
}
