import { toClickHouseDateTime } from '@vigil/clickhouse';
import type { CheckinSource, ProcessingErrorV1 } from '@vigil/contracts';

/** A row of the ClickHouse `processing_errors` table (libs/clickhouse/migrations/0003). */
export interface ProcessingErrorRow extends Record<string, unknown> {
  error_id: string;
  organization_id: string;
  project_id: number;
  monitor_slug: string;
  environment: string;
  source: CheckinSource;
  error_codes: string[];
  errors: string;
  payload: string;
  received_at: string;
  received_at_ms: number;
}

export function rowFromProcessingError(message: ProcessingErrorV1): ProcessingErrorRow {
  return {
    error_id: message.error_id,
    organization_id: message.organization_id,
    project_id: message.project_id,
    monitor_slug: message.monitor_slug ?? '',
    environment: message.environment ?? '',
    source: message.source,
    error_codes: message.errors.map((error) => error.code),
    errors: JSON.stringify(message.errors),
    payload: message.payload ?? '',
    received_at: toClickHouseDateTime(message.received_at),
    received_at_ms: message.received_at,
  };
}
