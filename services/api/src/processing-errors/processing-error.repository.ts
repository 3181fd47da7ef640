import { sql, type ClickHouse, type SqlFragment } from '@vigil/clickhouse';
import type { CheckinSource, ProcessingErrorDetail } from '@vigil/contracts';

export interface ProcessingErrorEntry {
  id: string;
  monitorSlug: string | null;
  environment: string | null;
  source: CheckinSource;
  errors: ProcessingErrorDetail[];
  payload: string | null;
  dateCreated: string;
}

interface Row {
  error_id: string;
  slug: string;
  env: string;
  via: CheckinSource;
  details: string;
  body: string;
  at_ms: string | number;
}

/** Processing errors from ClickHouse, newest first; a redelivered one (same id) shows once. */
export class ProcessingErrorRepository {
  // A plain class (provided by a factory in api.module.ts), so the SQL is tested on real ClickHouse without Nest.
  constructor(private readonly clickhouse: ClickHouse) {}

  async list(projectId: number, monitorSlug: string | null, offset: number, limit: number): Promise<ProcessingErrorEntry[]> {
    const bySlug: SqlFragment = monitorSlug === null ? sql`1 = 1` : sql`monitor_slug = ${monitorSlug}`;
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT error_id, any(monitor_slug) AS slug, any(environment) AS env, toString(any(source)) AS via,
             any(errors) AS details, any(payload) AS body, max(received_at_ms) AS at_ms
        FROM processing_errors
       WHERE project_id = ${projectId} AND ${bySlug}
       GROUP BY error_id
       ORDER BY at_ms DESC, error_id DESC
       LIMIT ${offset}, ${limit}`);
    return rows.map((row) => ({
      id: row.error_id,
      monitorSlug: row.slug === '' ? null : row.slug,
      environment: row.env === '' ? null : row.env,
      source: row.via,
      errors: JSON.parse(row.details) as ProcessingErrorDetail[],
      payload: row.body === '' ? null : row.body,
      dateCreated: new Date(Number(row.at_ms)).toISOString(),
    }));
  }
}
