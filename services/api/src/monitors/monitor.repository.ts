import { Inject, Injectable } from '@nestjs/common';
import { monitorIdFor } from '@vigil/contracts';
import { newMonitorIdSql } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from '../common/unique-violation';
import type { MonitorValues } from './monitor-input';
import { freeMonitorSlug, monitorSlugInUse } from './monitor-slug';
import { MONITOR_SELECT, toMonitorView, type MonitorRow, type MonitorView } from './monitor-read.repository';

const COLUMNS = `name = $2, slug = $3, status = $4, owner = $5, is_muted = $6, schedule_type = $7, schedule_crontab = $8,
  schedule_interval_value = $9, schedule_interval_unit = $10, checkin_margin = $11, max_runtime = $12,
  failure_issue_threshold = $13, recovery_threshold = $14, timezone = $15`;

function parameters(values: MonitorValues): unknown[] {
  const { config } = values;
  return [
    values.name,
    values.slug,
    values.status,
    values.owner,
    values.isMuted,
    config.scheduleType,
    config.scheduleCrontab,
    config.scheduleIntervalValue,
    config.scheduleIntervalUnit,
    config.checkinMargin,
    config.maxRuntime,
    config.failureIssueThreshold,
    config.recoveryThreshold,
    config.timezone,
  ];
}

/** More writes in a monitor write's transaction (its alert rule), after the monitor row. */
export type Also = (manager: EntityManager, monitor: MonitorView) => Promise<void>;

function slugTaken(slug: string): DomainError {
  return new DomainError('conflict', 'slug_taken', `a monitor with slug "${slug}" already exists in this organization`, 'slug');
}

/**
 * Monitor writes of the API. Each commits in one transaction, and the `monitors` trigger announces it on
 * `vigil_config_changes`: ingest's catalog and the scheduler's directory take it from there within moments,
 * without a restart (libs/db `ConfigChangeListener`). Slugs are unique in the organization for monitors the
 * API makes (Sentry's rule), checked under a lock on the slug so two requests cannot both take it.
 */
@Injectable()
export class MonitorRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Creates a monitor. A slug made from the name gets a short suffix when taken (as Sentry does); a slug sent is a 409. */
  async create(organizationId: string, projectId: number, values: MonitorValues, slugDerived: boolean, also?: Also): Promise<MonitorView> {
    return this.dataSource.transaction(async (manager) => {
      const slug = await freeMonitorSlug(manager, organizationId, values.slug, slugDerived);
      if (slug === null) throw slugTaken(values.slug);
      let id: string;
      try {
        const inserted: Array<{ id: string }> = await manager.query(
          `INSERT INTO monitors (id, project_id, ping_uuid, name, slug, status, owner, is_muted, schedule_type, schedule_crontab, schedule_interval_value,
             schedule_interval_unit, checkin_margin, max_runtime, failure_issue_threshold, recovery_threshold, timezone)
           VALUES (${newMonitorIdSql('$1')}, $16, $17, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           RETURNING id`,
          [monitorIdFor(projectId, slug), ...parameters({ ...values, slug }), projectId, randomUUID()],
        );
        id = inserted[0]!.id;
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(slug);
        throw error;
      }
      const created = await this.read(manager, id);
      await also?.(manager, created);
      return created;
    });
  }

  /**
   * Changes a monitor: `change` gets the monitor as it is now, read under a row lock, and returns its new values,
   * so two updates of different fields never undo each other. Null when the monitor is gone.
   */
  async update(organizationId: string, monitorId: string, change: (current: MonitorView) => MonitorValues, also?: Also): Promise<MonitorView | null> {
    return this.dataSource.transaction(async (manager) => {
      const locked: Array<{ id: string }> = await manager.query('SELECT id FROM monitors WHERE id = $1 FOR UPDATE', [monitorId]);
      if (!locked[0]) return null;
      const current = await this.read(manager, monitorId);
      const values = change(current);
      if (values.slug !== current.slug && (await monitorSlugInUse(manager, organizationId, values.slug, monitorId))) throw slugTaken(values.slug);
      try {
        await manager.query(`UPDATE monitors SET ${COLUMNS}, updated_at = now() WHERE id = $1`, [monitorId, ...parameters(values)]);
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(values.slug);
        throw error;
      }
      const updated = await this.read(manager, monitorId);
      await also?.(manager, updated);
      return updated;
    });
  }

  /**
   * Deletes a monitor. Its issues (open ones too), issue counting state, per-environment settings and the alert
   * rules naming it go with it (foreign keys); its check-in history stays in ClickHouse, out of reach of the API.
   * Returns whether there was one.
   */
  async delete(monitorId: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query('DELETE FROM monitors WHERE id = $1', [monitorId]);
    return result[1] > 0;
  }

  /** Mutes or unmutes one environment of a monitor (a `monitor_environments` row, made when first set). */
  async setEnvironmentMuted(monitorId: string, environment: string, muted: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO monitor_environments (monitor_id, environment, is_muted) VALUES ($1, $2, $3)
       ON CONFLICT (monitor_id, environment) DO UPDATE SET is_muted = EXCLUDED.is_muted, updated_at = now()`,
      [monitorId, environment, muted],
    );
  }

  /**
   * Drops environments of a monitor (decision 0018), in one transaction: their issues, issue counting state
   * and settings go; the drop is recorded (`monitor_environments.dropped_at`, now) for the scheduler, which
   * the monitor's NOTIFY (its `updated_at` is touched) tells to forget the tracks and ignore check-ins up to
   * it. Returns the drop's instant, or null when the monitor is gone.
   */
  async dropEnvironments(monitorId: string, environments: readonly string[]): Promise<Date | null> {
    return this.dataSource.transaction(async (manager) => {
      const locked: Array<{ now: Date }> = await manager.query('UPDATE monitors SET updated_at = now() WHERE id = $1 RETURNING now() AS now', [monitorId]);
      if (!locked[0]) return null;
      await manager.query('DELETE FROM issues WHERE monitor_id = $1 AND environment = ANY($2::text[])', [monitorId, environments]);
      await manager.query('DELETE FROM issue_tracks WHERE monitor_id = $1 AND environment = ANY($2::text[])', [monitorId, environments]);
      await manager.query(
        `INSERT INTO monitor_environments (monitor_id, environment, is_muted, dropped_at) SELECT $1, environment, false, now() FROM unnest($2::text[]) AS environment
         ON CONFLICT (monitor_id, environment) DO UPDATE SET is_muted = false, dropped_at = now(), updated_at = now()`,
        [monitorId, environments],
      );
      return locked[0].now;
    });
  }

  /** Forgets the settings of one environment of a monitor; returns whether it had any. */
  async deleteEnvironmentSettings(monitorId: string, environment: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query('DELETE FROM monitor_environments WHERE monitor_id = $1 AND environment = $2', [
      monitorId,
      environment,
    ]);
    return result[1] > 0;
  }

  private async read(manager: EntityManager, monitorId: string): Promise<MonitorView> {
    const rows: MonitorRow[] = await manager.query(`${MONITOR_SELECT} WHERE m.id = $1`, [monitorId]);
    if (!rows[0]) throw new Error(`monitor ${monitorId} vanished inside its own transaction`);
    return toMonitorView(rows[0]);
  }
}
