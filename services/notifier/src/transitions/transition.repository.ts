import type { DataSource } from 'typeorm';
import type { MonitorContext } from '../alerts/alert-builder';
import type { AlertRule } from '../rules/alert-rule-matcher';
import { monitorKey, type MonitorRef, type NewDelivery, type TransitionStore } from './record-transitions.usecase';

interface RuleRow {
  id: string;
  project_id: number;
  monitor_id: string | null;
  integration_id: string;
  environments: string[] | null;
  on_open: boolean;
  on_resolve: boolean;
}

/** Rules, names and the ledger inserts of `RecordTransitions`, in Postgres. */
export class TransitionRepository implements TransitionStore {
  constructor(private readonly dataSource: DataSource) {}

  async rulesFor(monitors: readonly MonitorRef[]): Promise<Map<string, AlertRule[]>> {
    const rows: RuleRow[] = await this.dataSource.query(
      `SELECT id, project_id, monitor_id, integration_id, environments, on_open, on_resolve
         FROM alert_rules
        WHERE project_id = ANY($1::integer[]) AND (monitor_id IS NULL OR monitor_id = ANY($2::uuid[]))
        ORDER BY created_at, id`,
      [[...new Set(monitors.map((monitor) => monitor.projectId))], [...new Set(monitors.map((monitor) => monitor.monitorId))]],
    );
    const rules: AlertRule[] = rows.map((row) => ({
      id: row.id,
      projectId: Number(row.project_id),
      monitorId: row.monitor_id,
      integrationId: row.integration_id,
      environments: row.environments,
      onOpen: row.on_open,
      onResolve: row.on_resolve,
    }));
    const byMonitor = new Map<string, AlertRule[]>();
    for (const monitor of monitors) {
      byMonitor.set(
        monitorKey(monitor),
        rules.filter((rule) => rule.projectId === monitor.projectId && (rule.monitorId === null || rule.monitorId === monitor.monitorId)),
      );
    }
    return byMonitor;
  }

  async monitorContexts(monitors: readonly MonitorRef[]): Promise<Map<string, MonitorContext>> {
    const rows: Array<{ project_id: number; monitor_id: string; organization_slug: string; project_slug: string; monitor_name: string | null }> =
      await this.dataSource.query(
        `SELECT k.project_id, k.monitor_id, o.slug AS organization_slug, p.slug AS project_slug, m.name AS monitor_name
         FROM unnest($1::integer[], $2::uuid[]) AS k(project_id, monitor_id)
         JOIN projects p ON p.id = k.project_id
         JOIN organizations o ON o.id = p.organization_id
         LEFT JOIN monitors m ON m.id = k.monitor_id AND m.project_id = p.id`,
        [monitors.map((monitor) => monitor.projectId), monitors.map((monitor) => monitor.monitorId)],
      );
    return new Map(
      rows.map((row) => [
        monitorKey({ projectId: Number(row.project_id), monitorId: row.monitor_id }),
        { organizationSlug: row.organization_slug, projectSlug: row.project_slug, monitorName: row.monitor_name },
      ]),
    );
  }

  async insertDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    // An integration deleted since the rule was read takes its rules along: nothing to deliver to (the join).
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO deliveries (id, idempotency_key, integration_id, issue_id, event_id, kind, alert, status, attempts, next_attempt_at)
       SELECT d.id, d.idempotency_key, i.id, d.issue_id, d.event_id, d.kind, d.alert, 'pending', 0, clock_timestamp()
         FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::uuid[], $5::varchar[], $6::varchar[], $7::jsonb[]) WITH ORDINALITY
              AS d(id, idempotency_key, integration_id, issue_id, event_id, kind, alert, n)
         JOIN integrations i ON i.id = d.integration_id
        ORDER BY d.n
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [
        deliveries.map((delivery) => delivery.id),
        deliveries.map((delivery) => delivery.idempotencyKey),
        deliveries.map((delivery) => delivery.integrationId),
        deliveries.map((delivery) => delivery.issueId),
        deliveries.map((delivery) => delivery.eventId),
        deliveries.map((delivery) => delivery.kind),
        deliveries.map((delivery) => JSON.stringify(delivery.alert)),
      ],
    );
    return rows.length;
  }
}
