import { Inject, Injectable } from '@nestjs/common';
import type { IntegrationType } from '@vigil/contracts';
import type { AttemptRecordOutcome, DeliveryKind, DeliveryStatus } from '@vigil/db';
import type { Alert } from '@vigil/integrations';
import { DataSource } from 'typeorm';

export interface DeliveryAttemptView {
  attempt: number;
  outcome: AttemptRecordOutcome | null;
  statusCode: number | null;
  errorCode: string | null;
  error: string | null;
  durationMs: number | null;
  target: string | null;
  response: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface DeliveryView {
  id: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  issueId: string | null;
  eventId: string | null;
  integration: { id: string; name: string; type: IntegrationType };
  alert: Alert;
  attemptCount: number;
  nextAttemptAt: Date | null;
  deadReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  attempts: DeliveryAttemptView[];
}

interface DeliveryRow {
  id: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  issue_id: string | null;
  event_id: string | null;
  integration_id: string;
  integration_name: string;
  integration_type: IntegrationType;
  alert: Alert;
  attempts: number;
  next_attempt_at: Date | null;
  dead_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  outcome: AttemptRecordOutcome | null;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
  duration_ms: number | null;
  target: string | null;
  response: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const SELECT = `SELECT d.id, d.kind, d.status, d.issue_id, d.event_id, d.integration_id, i.name AS integration_name, i.type AS integration_type,
                       d.alert, d.attempts, d.next_attempt_at, d.dead_reason, d.created_at, d.updated_at
                  FROM deliveries d JOIN integrations i ON i.id = d.integration_id`;

/** Deliveries and their attempts, newest first, always within one organization. */
@Injectable()
export class DeliveryReadRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async forIntegration(organizationId: string, integrationId: string, offset: number, limit: number): Promise<DeliveryView[]> {
    return this.withAttempts(
      await this.dataSource.query(`${SELECT} WHERE i.organization_id = $1 AND d.integration_id = $2 ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4`, [
        organizationId,
        integrationId,
        limit,
        offset,
      ]),
    );
  }

  async forIssue(organizationId: string, issueId: string, offset: number, limit: number): Promise<DeliveryView[]> {
    return this.withAttempts(
      await this.dataSource.query(`${SELECT} WHERE i.organization_id = $1 AND d.issue_id = $2 ORDER BY d.created_at DESC, d.id LIMIT $3 OFFSET $4`, [
        organizationId,
        issueId,
        limit,
        offset,
      ]),
    );
  }

  async byId(organizationId: string, id: string): Promise<DeliveryView | null> {
    const [view] = await this.withAttempts(await this.dataSource.query(`${SELECT} WHERE i.organization_id = $1 AND d.id = $2`, [organizationId, id]));
    return view ?? null;
  }

  private async withAttempts(rows: DeliveryRow[]): Promise<DeliveryView[]> {
    if (rows.length === 0) return [];
    const attempts: AttemptRow[] = await this.dataSource.query(
      `SELECT delivery_id, attempt, outcome, status_code, error_code, error, duration_ms, target, response, started_at, finished_at
         FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt`,
      [rows.map((row) => row.id)],
    );
    const byDelivery = new Map<string, DeliveryAttemptView[]>();
    for (const row of attempts) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({
        attempt: Number(row.attempt),
        outcome: row.outcome,
        statusCode: row.status_code === null ? null : Number(row.status_code),
        errorCode: row.error_code,
        error: row.error,
        durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
        target: row.target,
        response: row.response,
        startedAt: new Date(row.started_at),
        finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
      });
      byDelivery.set(row.delivery_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      status: row.status,
      issueId: row.issue_id,
      eventId: row.event_id,
      integration: { id: row.integration_id, name: row.integration_name, type: row.integration_type },
      alert: row.alert,
      attemptCount: Number(row.attempts),
      nextAttemptAt: row.next_attempt_at === null ? null : new Date(row.next_attempt_at),
      deadReason: row.dead_reason,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      attempts: byDelivery.get(row.id) ?? [],
    }));
  }
}
