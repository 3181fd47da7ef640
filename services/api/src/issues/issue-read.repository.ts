import { Inject, Injectable } from '@nestjs/common';
import type { FailureKind, IssueStatus } from '@vigil/db';
import { DataSource } from 'typeorm';
import type { KeysetWindow } from '../common/pagination/keyset-pagination';
import type { IssueKey } from './issue-key';

export interface IssueView {
  id: string;
  status: IssueStatus;
  projectId: number;
  projectSlug: string;
  monitorId: string;
  monitorSlug: string;
  monitorName: string;
  /** The monitor's check-in margin (minutes), which dates when its misses were judged. */
  monitorCheckinMargin: number | null;
  environment: string;
  failureCount: number;
  openingCheckinId: string;
  openingStatus: FailureKind;
  openedAt: Date;
  lastFailureAt: Date;
  resolvingCheckinId: string | null;
  resolvedAt: Date | null;
}

export interface IssueFilter {
  status?: IssueStatus;
  projectId?: number;
  monitorSlug?: string;
  environment?: string;
}

interface IssueRow {
  id: string;
  status: IssueStatus;
  project_id: number;
  project_slug: string;
  monitor_id: string;
  monitor_slug: string;
  monitor_name: string;
  checkin_margin: number | null;
  environment: string;
  failure_count: number;
  opening_checkin_id: string;
  opening_status: FailureKind;
  opened_at: Date;
  last_failure_at: Date;
  resolving_checkin_id: string | null;
  resolved_at: Date | null;
}

const SELECT = `SELECT i.id, i.status, i.project_id, p.slug AS project_slug, i.monitor_id, m.slug AS monitor_slug, m.name AS monitor_name,
                       m.checkin_margin, i.environment, i.failure_count, i.opening_checkin_id, i.opening_status, i.opened_at,
                       i.last_failure_at, i.resolving_checkin_id, i.resolved_at
                  FROM issues i
                  JOIN monitors m ON m.id = i.monitor_id
                  JOIN projects p ON p.id = i.project_id`;

/** Issues as the issues service wrote them, always within one organization, newest opened first. */
@Injectable()
export class IssueReadRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** One page of the organization's issues, in the order the window reads them (see `keysetPage`). */
  async list(organizationId: string, filter: IssueFilter, window: KeysetWindow<IssueKey>): Promise<IssueView[]> {
    if (window.empty) return [];
    const params: unknown[] = [organizationId];
    const where = ['i.organization_id = $1'];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.status !== undefined) add((p) => `i.status = ${p}`, filter.status);
    if (filter.projectId !== undefined) add((p) => `i.project_id = ${p}`, filter.projectId);
    if (filter.monitorSlug !== undefined) add((p) => `m.slug = ${p}`, filter.monitorSlug);
    if (filter.environment !== undefined) add((p) => `i.environment = ${p}`, filter.environment);
    if (window.key) {
      params.push(new Date(window.key.openedMs), window.key.id);
      const beyond = `${window.direction === 'older' ? '<' : '>'}${window.inclusive ? '=' : ''}`;
      where.push(`(i.opened_at, i.id) ${beyond} ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const order = window.direction === 'older' ? 'DESC' : 'ASC';
    params.push(window.fetch);
    const rows: IssueRow[] = await this.dataSource.query(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY i.opened_at ${order}, i.id ${order} LIMIT $${params.length}`,
      params,
    );
    return rows.map(view);
  }

  async find(organizationId: string, id: string): Promise<IssueView | null> {
    const rows: IssueRow[] = await this.dataSource.query(`${SELECT} WHERE i.organization_id = $1 AND i.id = $2`, [organizationId, id]);
    return rows[0] ? view(rows[0]) : null;
  }

  /** Whether the issue is the organization's. */
  async exists(organizationId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM issues WHERE organization_id = $1 AND id = $2', [organizationId, id]);
    return rows.length > 0;
  }

  /** Whether a monitor with this slug exists in the organization (in this project, when given). */
  async monitorExists(organizationId: string, slug: string, projectId: number | undefined): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM monitors m JOIN projects p ON p.id = m.project_id WHERE p.organization_id = $1 AND m.slug = $2 AND ($3::int IS NULL OR m.project_id = $3) LIMIT 1`,
      [organizationId, slug, projectId ?? null],
    );
    return rows.length > 0;
  }
}

function view(row: IssueRow): IssueView {
  return {
    id: row.id,
    status: row.status,
    projectId: Number(row.project_id),
    projectSlug: row.project_slug,
    monitorId: row.monitor_id,
    monitorSlug: row.monitor_slug,
    monitorName: row.monitor_name,
    monitorCheckinMargin: row.checkin_margin === null ? null : Number(row.checkin_margin),
    environment: row.environment,
    failureCount: Number(row.failure_count),
    openingCheckinId: row.opening_checkin_id,
    openingStatus: row.opening_status,
    openedAt: new Date(row.opened_at),
    lastFailureAt: new Date(row.last_failure_at),
    resolvingCheckinId: row.resolving_checkin_id,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at),
  };
}
