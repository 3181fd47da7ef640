import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { CatalogMonitor, CatalogProject } from '../catalog/catalog-snapshot';
import { configFromRow, MONITOR_CONFIG_COLUMN_OF, MONITOR_CONFIG_COLUMNS, newMonitorIdSql, type MonitorConfigRow, type MonitorConfigUpdate } from '@vigil/db';
import { monitorIdFor } from '@vigil/contracts';

const COLUMNS = MONITOR_CONFIG_COLUMN_OF;
const RETURNING = `id, ping_uuid, manual_resume, ${MONITOR_CONFIG_COLUMNS.join(', ')}`;

type ReturnedRow = MonitorConfigRow & { id: string; ping_uuid: string; manual_resume: boolean };

function catalogMonitor(row: ReturnedRow, project: Pick<CatalogProject, 'id' | 'organizationId'>, slug: string): CatalogMonitor {
  return {
    id: row.id,
    slug,
    projectId: project.id,
    organizationId: project.organizationId,
    pingUuid: row.ping_uuid,
    config: configFromRow(row),
    status: row.status,
    manualResume: row.manual_resume,
  };
}

/**
 * What Healthchecks gives a check it creates from a ping (`?create=1`): a one-day period, one hour of grace. Such
 * a check also has `timeout_from_margin` (a start not followed by a result within the grace time is a failure).
 */
export const PROVISIONED_BY_PING: MonitorConfigUpdate = { scheduleType: 'interval', scheduleIntervalValue: 1, scheduleIntervalUnit: 'day', checkinMargin: 60 };

/** Monitor writes ingest makes: `monitor_config` upserts and monitors provisioned by slug ping URLs. */
@Injectable()
export class MonitorRepository {
  /**
   * Creates the monitor, or updates only the fields the config carries. One statement, so two SDKs
   * upserting the same new monitor at once both end with the same row.
   */
  async upsert(manager: EntityManager, project: CatalogProject, slug: string, update: MonitorConfigUpdate): Promise<CatalogMonitor> {
    const keys = (Object.keys(COLUMNS) as Array<keyof MonitorConfigUpdate>).filter((key) => update[key] !== undefined);
    const values = keys.map((key) => update[key]);
    const assignments = (offset: number) => [...keys.map((key, index) => `${COLUMNS[key]} = $${index + offset}`), 'updated_at = now()'].join(', ');
    let rows: ReturnedRow[];
    if (update.scheduleType === undefined) {
      // Without a schedule the config can only change a monitor that exists.
      rows = await manager.query(
        `WITH changed AS (UPDATE monitors SET ${assignments(3)} WHERE project_id = $1 AND slug = $2 RETURNING ${RETURNING}) SELECT * FROM changed`,
        [project.id, slug, ...values],
      );
      if (!rows[0]) {
        throw new DomainError(
          'invalid',
          'invalid_monitor_config',
          `monitor "${slug}" does not exist, and creating it needs monitor_config.schedule`,
          'monitor_config.schedule',
        );
      }
    } else {
      rows = await manager.query(
        `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, ${keys.map((key) => COLUMNS[key]).join(', ')})
         VALUES (${newMonitorIdSql('$1')}, $2, $3, $3, $4, ${keys.map((_key, index) => `$${index + 5}`).join(', ')})
         ON CONFLICT (project_id, slug) DO UPDATE SET ${assignments(5)}
         RETURNING ${RETURNING}`,
        [monitorIdFor(project.id, slug), project.id, slug, randomUUID(), ...values],
      );
    }
    const row = rows[0];
    if (!row) throw new Error(`upsert of monitor ${slug} returned no row`);
    return catalogMonitor(row, project, slug);
  }

  /**
   * Healthchecks: a ping that finishes a run resumes a paused monitor, unless it has `manual_resume`. The
   * monitor as it is now, or null when there was nothing to resume (it was resumed or changed meanwhile).
   */
  async resume(manager: EntityManager, monitor: CatalogMonitor): Promise<CatalogMonitor | null> {
    const rows: ReturnedRow[] = await manager.query(
      `WITH resumed AS (UPDATE monitors SET status = 'active', updated_at = now() WHERE id = $1 AND status = 'paused' AND NOT manual_resume RETURNING ${RETURNING}) SELECT * FROM resumed`,
      [monitor.id],
    );
    const row = rows[0];
    return row ? catalogMonitor(row, { id: monitor.projectId, organizationId: monitor.organizationId }, monitor.slug) : null;
  }

  /** `?create=1`: the monitor, created with Healthchecks' defaults if it does not exist; `created` tells which. */
  async provision(manager: EntityManager, project: CatalogProject, slug: string): Promise<{ monitor: CatalogMonitor; created: boolean }> {
    const defaults = PROVISIONED_BY_PING;
    // A concurrent provisioning of the same slug commits after this statement's snapshot: then neither
    // branch sees a row, and a second attempt finds it.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const rows: Array<ReturnedRow & { created: boolean }> = await manager.query(
        `WITH inserted AS (
         INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_interval_value, schedule_interval_unit, checkin_margin, timeout_from_margin)
         VALUES (${newMonitorIdSql('$1')}, $2, $3, $3, $4, $5, $6, $7, $8, true)
         ON CONFLICT (project_id, slug) DO NOTHING
         RETURNING ${RETURNING})
       SELECT *, true AS created FROM inserted
       UNION ALL
       SELECT ${RETURNING}, false AS created FROM monitors WHERE project_id = $2 AND slug = $3 AND NOT EXISTS (SELECT 1 FROM inserted)`,
        [
          monitorIdFor(project.id, slug),
          project.id,
          slug,
          randomUUID(),
          defaults.scheduleType,
          defaults.scheduleIntervalValue,
          defaults.scheduleIntervalUnit,
          defaults.checkinMargin,
        ],
      );
      const row = rows[0];
      if (row) return { monitor: catalogMonitor(row, project, slug), created: row.created };
    }
    throw new Error(`provisioning monitor ${slug} returned no row`);
  }
}
