import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { TtlCache } from '../auth/ttl-cache';
import type { MonitorConfigUpdate } from './monitor-config';

export interface KnownMonitor {
  id: string;
  slug: string;
  projectId: number;
  organizationId: string;
}

const COLUMNS: Record<keyof MonitorConfigUpdate, string> = {
  scheduleType: 'schedule_type',
  scheduleCrontab: 'schedule_crontab',
  scheduleIntervalValue: 'schedule_interval_value',
  scheduleIntervalUnit: 'schedule_interval_unit',
  checkinMargin: 'checkin_margin',
  maxRuntime: 'max_runtime',
  failureIssueThreshold: 'failure_issue_threshold',
  recoveryThreshold: 'recovery_threshold',
  timezone: 'timezone',
  owner: 'owner',
};

/** The monitors ingest needs: found by slug or ping UUID, and created or updated from `monitor_config`. */
@Injectable()
export class MonitorRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  // Only found monitors are remembered: one created a moment ago must be found at once.
  private readonly bySlug = new TtlCache<KnownMonitor | null>(5000);
  private readonly byPingUuid = new TtlCache<KnownMonitor | null>(5000);

  findBySlug(projectId: number, slug: string): Promise<KnownMonitor | null> {
    return this.bySlug.get(`${projectId}:${slug}`, () => this.findOne('m.project_id = $1 AND m.slug = $2', [projectId, slug]), Boolean);
  }

  findByPingUuid(pingUuid: string): Promise<KnownMonitor | null> {
    return this.byPingUuid.get(pingUuid, () => this.findOne('m.ping_uuid = $1', [pingUuid]), Boolean);
  }

  private async findOne(condition: string, parameters: unknown[]): Promise<KnownMonitor | null> {
    const rows: Array<{ id: string; slug: string; project_id: number; organization_id: string }> = await this.dataSource.query(
      `SELECT m.id, m.slug, m.project_id, p.organization_id FROM monitors m JOIN projects p ON p.id = m.project_id WHERE ${condition}`,
      parameters,
    );
    const row = rows[0];
    return row ? { id: row.id, slug: row.slug, projectId: row.project_id, organizationId: row.organization_id } : null;
  }

  /**
   * Creates the monitor, or updates only the fields the config carries. One statement, so two SDKs
   * upserting the same new monitor at once both end with the same row.
   */
  async upsert(manager: EntityManager, projectId: number, organizationId: string, slug: string, update: MonitorConfigUpdate): Promise<KnownMonitor> {
    const keys = (Object.keys(COLUMNS) as Array<keyof MonitorConfigUpdate>).filter((key) => update[key] !== undefined);
    const values = keys.map((key) => update[key]);
    const assignments = (offset: number) => [...keys.map((key, index) => `${COLUMNS[key]} = $${index + offset}`), 'updated_at = now()'].join(', ');
    let rows: Array<{ id: string }>;
    if (update.scheduleType === undefined) {
      // Without a schedule the config can only change a monitor that exists.
      rows = await manager.query(
        `WITH changed AS (UPDATE monitors SET ${assignments(3)} WHERE project_id = $1 AND slug = $2 RETURNING id) SELECT id FROM changed`,
        [projectId, slug, ...values],
      );
      if (!rows[0]) {
        throw new DomainError('invalid', 'invalid_monitor_config', `monitor "${slug}" does not exist, and creating it needs monitor_config.schedule`, 'monitor_config.schedule');
      }
    } else {
      rows = await manager.query(
        `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, ${keys.map((key) => COLUMNS[key]).join(', ')})
         VALUES ($1, $2, $3, $3, $4, ${keys.map((_key, index) => `$${index + 5}`).join(', ')})
         ON CONFLICT (project_id, slug) DO UPDATE SET ${assignments(5)}
         RETURNING id`,
        [randomUUID(), projectId, slug, randomUUID(), ...values],
      );
    }
    const id = rows[0]?.id;
    if (!id) throw new Error(`upsert of monitor ${slug} returned no row`);
    return { id, slug, projectId, organizationId };
  }
}
