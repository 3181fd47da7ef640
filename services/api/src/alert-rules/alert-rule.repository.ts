import { Inject, Injectable } from '@nestjs/common';
import type { IntegrationType } from '@vigil/contracts';
import { AlertRuleEntity } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/request-body';

/** A rule with what its references are called, as the API shows it. */
export interface AlertRuleView {
  rule: AlertRuleEntity;
  project: { id: number; slug: string };
  monitor: { id: string; slug: string } | null;
  integration: { id: string; name: string; type: IntegrationType };
}

/** The columns a rule is written with. */
export interface AlertRuleValues {
  projectId: number;
  monitorId: string | null;
  integrationId: string;
  environments: string[] | null;
  onOpen: boolean;
  onResolve: boolean;
}

interface ViewRow {
  id: string;
  project_id: number;
  project_slug: string;
  monitor_id: string | null;
  monitor_slug: string | null;
  integration_id: string;
  integration_name: string;
  integration_type: IntegrationType;
  environments: string[] | null;
  on_open: boolean;
  on_resolve: boolean;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT r.id, r.project_id, p.slug AS project_slug, r.monitor_id, m.slug AS monitor_slug,
                       r.integration_id, i.name AS integration_name, i.type AS integration_type,
                       r.environments, r.on_open, r.on_resolve, r.created_at, r.updated_at
                  FROM alert_rules r
                  JOIN projects p ON p.id = r.project_id
                  JOIN integrations i ON i.id = r.integration_id
                  LEFT JOIN monitors m ON m.id = r.monitor_id`;

/** Alert rules of an organization (through their projects), and the look-ups that resolve a rule's references. */
@Injectable()
export class AlertRuleRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(organizationId: string, projectId: number | null): Promise<AlertRuleView[]> {
    const rows: ViewRow[] = await this.dataSource.query(
      `${SELECT} WHERE p.organization_id = $1 AND ($2::integer IS NULL OR r.project_id = $2) ORDER BY r.created_at, r.id`,
      [organizationId, projectId],
    );
    return rows.map(toView);
  }

  async find(organizationId: string, id: string): Promise<AlertRuleView | null> {
    const rows: ViewRow[] = await this.dataSource.query(`${SELECT} WHERE p.organization_id = $1 AND r.id = $2`, [organizationId, id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** A monitor of the project by slug or id. */
  async monitor(projectId: number, reference: string): Promise<{ id: string; slug: string } | null> {
    const byId = isUuid(reference);
    const rows: Array<{ id: string; slug: string }> = await this.dataSource.query(
      `SELECT id, slug FROM monitors WHERE project_id = $1 AND ${byId ? 'id = $2' : 'slug = $2'}`,
      [projectId, byId ? reference.toLowerCase() : reference],
    );
    return rows[0] ?? null;
  }

  async integrationExists(organizationId: string, integrationId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM integrations WHERE organization_id = $1 AND id = $2', [organizationId, integrationId]);
    return rows.length > 0;
  }

  async create(values: AlertRuleValues): Promise<string> {
    const id = randomUUID();
    await this.dataSource.getRepository(AlertRuleEntity).insert({ id, ...values });
    return id;
  }

  async update(id: string, values: AlertRuleValues): Promise<void> {
    await this.dataSource.getRepository(AlertRuleEntity).update({ id }, { ...values, updatedAt: new Date() });
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.getRepository(AlertRuleEntity).delete({ id });
  }
}

function toView(row: ViewRow): AlertRuleView {
  const rule = Object.assign(new AlertRuleEntity(), {
    id: row.id,
    projectId: Number(row.project_id),
    monitorId: row.monitor_id,
    integrationId: row.integration_id,
    environments: row.environments,
    onOpen: row.on_open,
    onResolve: row.on_resolve,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  });
  return {
    rule,
    project: { id: Number(row.project_id), slug: row.project_slug },
    monitor: row.monitor_id === null ? null : { id: row.monitor_id, slug: row.monitor_slug ?? '' },
    integration: { id: row.integration_id, name: row.integration_name, type: row.integration_type },
  };
}
