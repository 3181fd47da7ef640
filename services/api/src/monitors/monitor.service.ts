import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { newMonitorValues, mutedOf, updatedMonitorValues, type MonitorBody } from './monitor-input';
import { MonitorReadRepository, type MonitorListFilter, type MonitorView } from './monitor-read.repository';
import { MonitorRepository } from './monitor.repository';
import { presentMonitor, type MonitorEnvironmentView } from './monitor.presenter';

export function unknownMonitor(reference: string): DomainError {
  return new DomainError('not_found', 'unknown_monitor', `monitor "${reference}" not found`, 'monitor_slug');
}

function unknownProject(reference: string | number, kind: 'invalid' | 'not_found'): DomainError {
  return new DomainError(kind, 'unknown_project', `project "${reference}" not found`, 'project');
}

/**
 * The organization monitors of the Sentry-shaped API: creating, changing, muting and deleting them, and showing
 * them with their environments (history in ClickHouse, settings in Postgres).
 */
@Injectable()
export class MonitorService {
  constructor(
    private readonly reads: MonitorReadRepository,
    private readonly writes: MonitorRepository,
    private readonly history: CheckinHistoryRepository,
  ) {}

  async find(organizationId: string, reference: string): Promise<MonitorView> {
    const found = await this.reads.find(organizationId, reference);
    if (!found) throw unknownMonitor(reference);
    return found;
  }

  async create(organizationId: string, body: MonitorBody): Promise<MonitorView> {
    const values = newMonitorValues(body);
    const project = await this.project(organizationId, body.project!);
    return this.writes.create(organizationId, project.id, values, values.slugDerived);
  }

  /** Sentry's update: the fields sent change, the others (config fields too) keep their values. A monitor stays in its project. */
  async update(organizationId: string, reference: string, body: MonitorBody): Promise<MonitorView> {
    const current = await this.find(organizationId, reference);
    if (body.project !== undefined) {
      const project = await this.project(organizationId, body.project);
      if (project.id !== current.projectId) throw new DomainError('invalid', 'invalid_project', 'a monitor cannot move to another project: create it there and delete this one', 'project');
    }
    const updated = await this.writes.update(organizationId, current.id, (locked) => updatedMonitorValues(locked, body));
    if (!updated) throw unknownMonitor(reference);
    return updated;
  }

  async delete(organizationId: string, reference: string): Promise<void> {
    const current = await this.find(organizationId, reference);
    if (!(await this.writes.delete(current.id))) throw unknownMonitor(reference);
  }

  /**
   * Mutes or unmutes one environment, which must be one the monitor has (checked in from, or has settings for),
   * as in Sentry, so a typo does not mute an environment that never reports.
   */
  async setEnvironmentMuted(organizationId: string, reference: string, environment: string, body: { is_muted?: boolean; isMuted?: boolean }): Promise<MonitorView> {
    const monitor = await this.find(organizationId, reference);
    const muted = mutedOf(body);
    const known = (await this.environments([monitor])).get(monitor.id) ?? [];
    if (!known.some((entry) => entry.name === environment)) {
      throw new DomainError('not_found', 'unknown_environment', `monitor "${monitor.slug}" has no environment "${environment}"`, 'environment');
    }
    if (muted !== undefined) await this.writes.setEnvironmentMuted(monitor.id, environment, muted);
    return this.find(organizationId, monitor.id);
  }

  /** The monitors as the API shows them, each with its environments. */
  async present(monitors: readonly MonitorView[]): Promise<Record<string, unknown>[]> {
    const environments = await this.environments(monitors);
    return monitors.map((monitor) => presentMonitor(monitor, environments.get(monitor.id) ?? []));
  }

  async project(organizationId: string, reference: string | number): Promise<{ id: number; slug: string }> {
    const [found] = await this.reads.projects(organizationId, [String(reference)]);
    if (!found) throw unknownProject(reference, 'invalid');
    return found;
  }

  /** Project filters of a list (slugs or ids; `-1` is every project, as in Sentry): a 404 naming `project` for one not there. */
  async projectFilter(organizationId: string, references: readonly string[] | undefined): Promise<number[] | undefined> {
    if (references === undefined || references.length === 0 || references.includes('-1')) return undefined;
    const found = await this.reads.projects(organizationId, references);
    return found.map((project, index) => {
      if (!project) throw unknownProject(references[index]!, 'not_found');
      return project.id;
    });
  }

  /**
   * The list filter for environments: monitors whose history has one of them (looked up in ClickHouse within
   * the projects listed, or all of the organization's) or that have settings for one.
   */
  async environmentFilter(organizationId: string, projectIds: readonly number[] | undefined, names: readonly string[] | undefined): Promise<MonitorListFilter['environments']> {
    if (names === undefined || names.length === 0) return undefined;
    const scope = projectIds ?? (await this.reads.projectIds(organizationId));
    return { names, historyMonitorIds: await this.history.monitorsIn(scope, names) };
  }

  /** Environments per monitor: those in its history and those with settings, by name. */
  private async environments(monitors: readonly MonitorView[]): Promise<Map<string, MonitorEnvironmentView[]>> {
    const ids = monitors.map((monitor) => monitor.id);
    const [seen, settings] = await Promise.all([
      this.history.environmentsOf([...new Set(monitors.map((monitor) => monitor.projectId))], ids),
      this.reads.environmentSettings(ids),
    ]);
    const byMonitor = new Map<string, Map<string, MonitorEnvironmentView>>();
    const entry = (monitorId: string, name: string): MonitorEnvironmentView => {
      let environments = byMonitor.get(monitorId);
      if (!environments) byMonitor.set(monitorId, (environments = new Map<string, MonitorEnvironmentView>()));
      let found = environments.get(name);
      if (!found) environments.set(name, (found = { name, isMuted: false, lastCheckinMs: null }));
      return found;
    };
    for (const row of seen) entry(row.monitorId, row.environment).lastCheckinMs = row.lastCheckinMs;
    for (const row of settings) entry(row.monitorId, row.environment).isMuted = row.isMuted;
    return new Map([...byMonitor].map(([monitorId, environments]) => [monitorId, [...environments.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))]));
  }
}
