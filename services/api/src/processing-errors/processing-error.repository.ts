import { Inject, Injectable } from '@nestjs/common';
import { ClickHouse, sql, type SqlFragment } from '@vigil/clickhouse';
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
  monitor_slug: string;
  environment: string;
  source: CheckinSource;
  errors: string;
  payload: string;
  received_at_ms: string | number;
}

/** Processing errors from ClickHouse, newest first; a redelivered one (same id) shows once. */
@Injectable()
export class ProcessingErrorRepository {
  constructor(@Inject(ClickHouse) private readonly clickhouse: ClickHouse) {}

  async list(projectId: number, monitorSlug: string | null, limit: number): Promise<ProcessingErrorEntry[]> {
    const bySlug: SqlFragment = monitorSlug === null ? sql`1 = 1` : sql`monitor_slug = ${monitorSlug}`;
    const rows = await this.clickhouse.query<Row>(sql`
      SELECT error_id, any(monitor_slug) AS monitor_slug, any(environment) AS environment, toString(any(source)) AS source,
             any(errors) AS errors, any(payload) AS payload, any(received_at_ms) AS received_at_ms
        FROM processing_errors
       WHERE project_id = ${projectId} AND ${bySlug}
       GROUP BY error_id
       ORDER BY received_at_ms DESC, error_id DESC
       LIMIT ${limit}`);
    return rows.map((row) => ({
      id: row.error_id,
      monitorSlug: row.monitor_slug === '' ? null : row.monitor_slug,
      environment: row.environment === '' ? null : row.environment,
      source: row.source,
      errors: JSON.parse(row.errors) as ProcessingErrorDetail[],
      payload: row.payload === '' ? null : row.payload,
      dateCreated: new Date(Number(row.received_at_ms)).toISOString(),
    }));
  }
}
