import type { DataSource } from 'typeorm';
import type { MonitorContext } from '../alerts/alert-builder';
import type { AlertRule } from '../rules/alert-rule-matcher';
import type { NewDelivery, TransitionStore } from './record-transitions.usecase';

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

  async rulesFor(projectId: number, monitorId: string): Promise<AlertRule[]> {
    const rows: RuleRow[] = await this.dataSource.query(
      `SELECT id, project_id, monitor_id, integration_id, environments, on_open, on_resolve
         FROM alert_rules
        WHERE project_id = $1 AND (monitor_id IS NULL OR monitor_id = $2)
        ORDER BY created_at, id`,
      [projectId, monitorId],
    );
    return rows.map((row) => ({
      id: row.id,
      projectId: Number(row.project_id),
      monitorId: row.monitor_id,
      integrationId: row.integration_id,
      environments: row.environments,
      onOpen: row.on_open,
      onResolve: row.on_resolve,
    }));
  }

  async monitorContext(projectId: number, monitorId: string): Promise<MonitorContext | null> {
    const rows: Array<{ organization_slug: string; project_slug: string; monitor_name: string | null }> = await this.dataSource.query(
      `SELECT o.slug AS organization_slug, p.slug AS project_slug, m.name AS monitor_name
         FROM projects p
         JOIN organizations o ON o.id = p.organization_id
         LEFT JOIN monitors m ON m.id = $2 AND m.project_id = p.id
        WHERE p.id = $1`,
      [projectId, monitorId],
    );
    const row = rows[0];
    return row ? { organizationSlug: row.organization_slug, projectSlug: row.project_slug, monitorName: row.monitor_name } : null;
  }

  async insertDeliveries(deliveries: readonly NewDelivery[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      let created = 0;
      for (const delivery of deliveries) {
        // An integration deleted since the rule was read takes its rules along: nothing to deliver to.
        const rows: unknown[] = await manager.query(
          `INSERT INTO deliveries (id, idempotency_key, integration_id, issue_id, event_id, kind, alert, status, attempts, next_attempt_at)
           SELECT $1, $2, i.id, $4, $5, $6, $7, 'pending', 0, clock_timestamp() FROM integrations i WHERE i.id = $3
           ON CONFLICT (idempotency_key) DO NOTHING
           RETURNING id`,
          [delivery.id, delivery.idempotencyKey, delivery.integrationId, delivery.issueId, delivery.eventId, delivery.kind, JSON.stringify(delivery.alert)],
        );
        created += rows.length;
      }
      return created;
    });
  }
}
