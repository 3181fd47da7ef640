import { Inject, Injectable } from '@nestjs/common';
import { monitorIdFor } from '@vigil/contracts';
import { newMonitorIdSql, type IntervalUnit, type MonitorStatus, type ScheduleType } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Channel } from './channel-selection';
import { CHECK_ENVIRONMENT } from './check-history.repository';
import { slugify } from '../common/slug';
import { isUniqueViolation } from '../common/unique-violation';
import { freeMonitorSlug, monitorSlugInUse } from '../monitors/monitor-slug';
import { DEFAULT_GRACE_SECONDS, DEFAULT_TIMEOUT_SECONDS, intervalForSeconds, type CheckChange } from './check-spec';
import type { CheckRecord } from './check.presenter';

interface CheckRow {
  id: string;
  project_id: number;
  ping_uuid: string;
  name: string;
  slug: string;
  tags: string;
  description: string;
  status: MonitorStatus;
  manual_resume: boolean;
  schedule_type: ScheduleType;
  schedule_crontab: string | null;
  schedule_interval_value: number | null;
  schedule_interval_unit: IntervalUnit | null;
  checkin_margin: number | null;
  timezone: string;
  channels: string[] | null;
  timeout_from_margin: boolean;
}

/** An integration as a Healthchecks channel. */
export type ChannelRecord = Channel;

/**
 * A monitor with the integrations whose alert rules cover its `production` environment: the project's rules
 * for every monitor and the monitor's own (Healthchecks' channels of a check).
 */
const SELECT = `
  SELECT m.id, m.project_id, m.ping_uuid, m.name, m.slug, m.tags, m.description, m.status, m.manual_resume,
         m.schedule_type, m.schedule_crontab, m.schedule_interval_value, m.schedule_interval_unit, m.checkin_margin, m.timezone, m.timeout_from_margin,
         (SELECT array_agg(DISTINCT r.integration_id::text) FROM alert_rules r
           WHERE r.project_id = m.project_id AND (r.monitor_id IS NULL OR r.monitor_id = m.id)
             AND (r.environments IS NULL OR '${CHECK_ENVIRONMENT}' = ANY (r.environments))) AS channels
    FROM monitors m`;

function toRecord(row: CheckRow): CheckRecord {
  return {
    id: row.id,
    projectId: Number(row.project_id),
    pingUuid: row.ping_uuid,
    name: row.name,
    slug: row.slug,
    tags: row.tags,
    description: row.description,
    status: row.status,
    manualResume: row.manual_resume,
    scheduleType: row.schedule_type,
    scheduleCrontab: row.schedule_crontab,
    scheduleIntervalValue: row.schedule_interval_value === null ? null : Number(row.schedule_interval_value),
    scheduleIntervalUnit: row.schedule_interval_unit,
    checkinMargin: row.checkin_margin === null ? null : Number(row.checkin_margin),
    timezone: row.timezone,
    channels: row.channels ?? [],
    healthchecksRules: row.timeout_from_margin === true,
  };
}

function slugTaken(slug: string): DomainError {
  return new DomainError(
    'conflict',
    'slug_taken',
    `a monitor with slug "${slug}" already exists in this organization (slugs name checks in slug ping URLs and in the monitors API)`,
    'slug',
  );
}

/** Monitors as Healthchecks checks (Postgres). Writes commit with the monitors trigger's NOTIFY, which ingest and the scheduler follow. */
@Injectable()
export class CheckRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Every monitor of the project, oldest first. */
  async list(projectId: number, manager: EntityManager = this.dataSource.manager): Promise<CheckRecord[]> {
    const rows: CheckRow[] = await manager.query(`${SELECT} WHERE m.project_id = $1 ORDER BY m.created_at, m.id`, [projectId]);
    return rows.map(toRecord);
  }

  /** The monitor with this ping uuid, if it is the project's. */
  async findByPingUuid(projectId: number, pingUuid: string, manager: EntityManager = this.dataSource.manager): Promise<CheckRecord | null> {
    const rows: CheckRow[] = await manager.query(`${SELECT} WHERE m.project_id = $1 AND m.ping_uuid = $2`, [projectId, pingUuid]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findById(projectId: number, id: string, manager: EntityManager = this.dataSource.manager): Promise<CheckRecord | null> {
    const rows: CheckRow[] = await manager.query(`${SELECT} WHERE m.project_id = $1 AND m.id = $2`, [projectId, id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Runs `work` in a transaction that holds the project's check-writing lock, so two upserts never both create. */
  async inProjectTransaction<T>(projectId: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('vigil:healthchecks-checks'), $1)`, [projectId]);
      return work(manager);
    });
  }

  /**
   * Creates a monitor with Healthchecks' defaults for what the change leaves out. Its slug is unique in the
   * organization, as the monitors API keeps slugs (the same lock); one made from the name gets a short suffix
   * when taken, one sent is a 409.
   */
  async insert(manager: EntityManager, organizationId: string, projectId: number, change: CheckChange): Promise<string> {
    const wanted = change.slug ?? slugify(change.name ?? '') ?? 'check';
    const slug = await freeMonitorSlug(manager, organizationId, wanted, change.slug === undefined);
    if (slug === null) throw slugTaken(wanted);
    const schedule = change.schedule ?? { type: 'interval' as const, ...intervalForSeconds(DEFAULT_TIMEOUT_SECONDS) };
    try {
      const inserted: Array<{ id: string }> = await manager.query(
        `INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab, schedule_interval_value, schedule_interval_unit,
                               checkin_margin, timezone, tags, description, manual_resume, timeout_from_margin)
         VALUES (${newMonitorIdSql('$1')}, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, true)
         RETURNING id`,
        [
          monitorIdFor(projectId, slug),
          projectId,
          slug,
          change.name ?? '',
          randomUUID(),
          schedule.type,
          schedule.type === 'crontab' ? schedule.value : null,
          schedule.type === 'interval' ? schedule.value : null,
          schedule.type === 'interval' ? schedule.unit : null,
          change.checkinMargin ?? DEFAULT_GRACE_SECONDS / 60,
          change.timezone ?? 'UTC',
          change.tags ?? '',
          change.description ?? '',
          change.manualResume ?? false,
        ],
      );
      return inserted[0]!.id;
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(slug);
      throw error;
    }
  }

  /** Sets the columns the change carries; the others keep their values. */
  async update(manager: EntityManager, organizationId: string, record: CheckRecord, change: CheckChange): Promise<void> {
    if (change.slug !== undefined && change.slug !== record.slug && (await monitorSlugInUse(manager, organizationId, change.slug, record.id)))
      throw slugTaken(change.slug);
    const columns: Array<[string, unknown]> = [];
    if (change.name !== undefined) columns.push(['name', change.name]);
    if (change.slug !== undefined) columns.push(['slug', change.slug]);
    if (change.tags !== undefined) columns.push(['tags', change.tags]);
    if (change.description !== undefined) columns.push(['description', change.description]);
    if (change.manualResume !== undefined) columns.push(['manual_resume', change.manualResume]);
    if (change.timezone !== undefined) columns.push(['timezone', change.timezone]);
    if (change.checkinMargin !== undefined) columns.push(['checkin_margin', change.checkinMargin]);
    if (change.schedule !== undefined) {
      const schedule = change.schedule;
      columns.push(['schedule_type', schedule.type]);
      columns.push(['schedule_crontab', schedule.type === 'crontab' ? schedule.value : null]);
      columns.push(['schedule_interval_value', schedule.type === 'interval' ? schedule.value : null]);
      columns.push(['schedule_interval_unit', schedule.type === 'interval' ? schedule.unit : null]);
    }
    if (columns.length === 0) return;
    const assignments = columns.map(([column], index) => `${column} = $${index + 2}`).join(', ');
    try {
      await manager.query(`UPDATE monitors SET ${assignments}, updated_at = now() WHERE id = $1`, [record.id, ...columns.map(([, value]) => value)]);
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken(change.slug ?? record.slug);
      throw error;
    }
  }

  async setStatus(record: CheckRecord, status: MonitorStatus): Promise<void> {
    await this.dataSource.query('UPDATE monitors SET status = $2, updated_at = now() WHERE id = $1', [record.id, status]);
  }

  /** Deletes the monitor; its environments, alert rules of its own, issues and their deliveries go with it. */
  async delete(record: CheckRecord): Promise<void> {
    await this.dataSource.query('DELETE FROM monitors WHERE id = $1', [record.id]);
  }

  /** The organization's integrations, which every project's rules may name: Healthchecks' channels of a project. */
  async channels(organizationId: string, manager: EntityManager = this.dataSource.manager): Promise<ChannelRecord[]> {
    const rows: ChannelRecord[] = await manager.query('SELECT id, name, type FROM integrations WHERE organization_id = $1 ORDER BY created_at, id', [
      organizationId,
    ]);
    return rows;
  }

  /**
   * Makes the integrations in `wanted` exactly those that alert for the monitor's `production` environment:
   * a monitor rule is added for each one not covered yet, and the monitor's own rules naming others (and
   * covering production) are deleted. An integration that a project rule (every monitor) names cannot be
   * taken off one check: that is a 400 naming `channels`, with the rule to change.
   */
  async assignChannels(manager: EntityManager, monitorId: string, projectId: number, wanted: readonly ChannelRecord[]): Promise<void> {
    const rules: Array<{ id: string; monitor_id: string | null; integration_id: string; covers: boolean }> = await manager.query(
      `SELECT id, monitor_id, integration_id::text AS integration_id, (environments IS NULL OR $3 = ANY (environments)) AS covers
         FROM alert_rules WHERE project_id = $1 AND (monitor_id IS NULL OR monitor_id = $2)`,
      [projectId, monitorId, CHECK_ENVIRONMENT],
    );
    const wantedIds = new Set(wanted.map((channel) => channel.id));
    const projectWide = rules.filter((rule) => rule.monitor_id === null && rule.covers);
    const blocking = projectWide.find((rule) => !wantedIds.has(rule.integration_id));
    if (blocking) {
      throw new DomainError(
        'invalid',
        'invalid_channels',
        `channels must include ${blocking.integration_id}: alert rule ${blocking.id} sends the alerts of every check of this project to it, so it cannot be taken off one check (change the rule instead: /api/0/organizations/<org>/alert-rules/${blocking.id}/)`,
        'channels',
      );
    }
    const stale = rules.filter((rule) => rule.monitor_id !== null && rule.covers && !wantedIds.has(rule.integration_id)).map((rule) => rule.id);
    if (stale.length > 0) await manager.query('DELETE FROM alert_rules WHERE id = ANY ($1::uuid[])', [stale]);
    const covered = new Set(rules.filter((rule) => rule.covers).map((rule) => rule.integration_id));
    for (const channel of wanted) {
      if (covered.has(channel.id)) continue;
      await manager.query(
        `INSERT INTO alert_rules (id, project_id, monitor_id, integration_id, environments, on_open, on_resolve) VALUES ($1, $2, $3, $4, NULL, true, true)`,
        [randomUUID(), projectId, monitorId, channel.id],
      );
    }
  }
}
