import { randomUUID } from 'node:crypto';
import type { DeliveryAttempt } from '@vigil/integrations';
import { createLogger } from '@vigil/logging';
import type { DataSource } from 'typeorm';
import { RecordTransitions } from '../transitions/record-transitions.usecase';
import { TransitionRepository } from '../transitions/transition.repository';
import { issueEvent } from './issue-event-fixture';

/**
 * An organization with one project, one monitor, one webhook integration and a project-wide alert rule in the
 * test database, and helpers to fill and read the deliveries ledger through the consumer's own use case.
 */
export class LedgerFixture {
  readonly organizationId = randomUUID();
  readonly monitorId = randomUUID();
  readonly integrationId = randomUUID();
  projectId = 0;
  private readonly recorder: RecordTransitions;

  constructor(private readonly dataSource: DataSource) {
    this.recorder = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: 'https://vigil.example.com' }, createLogger('ledger-test', 'silent'));
  }

  async create(): Promise<void> {
    const { dataSource, organizationId } = this;
    await dataSource.query(`INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Ledger')`, [organizationId, `ledger-${organizationId.slice(0, 8)}`]);
    const [project] = await dataSource.query<Array<{ id: number }>>(
      `INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, 'backend', 'Backend', $2) RETURNING id`,
      [organizationId, randomUUID()],
    );
    this.projectId = Number(project!.id);
    await dataSource.query(
      `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab) VALUES ($1, $2, 'nightly-backup', 'Nightly backup', $3, 'crontab', '0 3 * * *')`,
      [this.monitorId, this.projectId, randomUUID()],
    );
    await dataSource.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, 'Hook', 'webhook', $3)`, [
      this.integrationId,
      organizationId,
      JSON.stringify({ type: 'webhook', url: 'https://hooks.example.com/vigil', secret: 'vigil_whsec_ledger-test-secret-01' }),
    ]);
    await dataSource.query(`INSERT INTO alert_rules (id, project_id, integration_id) VALUES ($1, $2, $3)`, [randomUUID(), this.projectId, this.integrationId]);
  }

  /** Deletes the organization, and with it everything of this fixture (foreign keys cascade). */
  async remove(): Promise<void> {
    await this.dataSource.query('DELETE FROM organizations WHERE id = $1', [this.organizationId]);
  }

  /** `count` issue transitions through the consumer's use case (one batch); their delivery ids, in order. */
  async transitions(count: number): Promise<string[]> {
    const eventIds = Array.from({ length: count }, () => `${randomUUID()}:issue.opened:${randomUUID()}`);
    const events = eventIds.map((eventId) =>
      issueEvent({ event_id: eventId, issue_id: randomUUID(), project_id: this.projectId, monitor_id: this.monitorId, organization_id: this.organizationId }),
    );
    expect(await this.recorder.handle(events)).toBe(count);
    const rows: Array<{ id: string; event_id: string }> = await this.dataSource.query(
      'SELECT id, event_id FROM deliveries WHERE event_id = ANY($1::varchar[])',
      [eventIds],
    );
    const byEvent = new Map(rows.map((row) => [row.event_id, row.id]));
    return eventIds.map((eventId) => byEvent.get(eventId)!);
  }

  async transition(): Promise<string> {
    const [id] = await this.transitions(1);
    return id!;
  }

  /**
   * Settles every other due delivery in the test database (earlier tests' leftovers), so a claim sees only the
   * deliveries the test makes after this.
   */
  async settleOthers(): Promise<void> {
    await this.dataSource.query(`UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL WHERE status IN ('pending', 'sending')`);
  }

  async delivery(id: string): Promise<{ status: string; attempts: number; due_in_ms: number | null; dead_reason: string | null }> {
    const rows = await this.dataSource.query<Array<{ status: string; attempts: number; due_in_ms: number | null; dead_reason: string | null }>>(
      `SELECT status, attempts, dead_reason, (EXTRACT(EPOCH FROM (next_attempt_at - clock_timestamp())) * 1000)::integer AS due_in_ms FROM deliveries WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  }

  async attempts(id: string): Promise<Array<{ attempt: number; outcome: string | null; status_code: number | null; error: string | null }>> {
    return this.dataSource.query('SELECT attempt, outcome, status_code, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [id]);
  }

  /** An attempt's result as the delivery layer reports it. */
  result(outcome: DeliveryAttempt['outcome'], attempt: number): DeliveryAttempt {
    return {
      outcome,
      statusCode: outcome === 'delivered' ? 200 : outcome === 'permanent' ? 404 : 503,
      errorCode: outcome === 'delivered' ? null : 'http_status',
      error: outcome === 'delivered' ? null : `HTTP ${outcome === 'permanent' ? 404 : 503}`,
      durationMs: 12,
      retryAfterMs: null,
      response: 'ok',
      integrationId: this.integrationId,
      channel: 'webhook',
      target: 'webhook:https://hooks.example.com',
      idempotencyKey: 'x',
      attempt,
      startedAt: Date.now(),
    };
  }
}
