import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { parseCursor, type Page } from '../common/pagination/cursor';
import { offsetPage, offsetWindow, pageOfList } from '../common/pagination/offset-pagination';
import type { StateFilter } from '../monitor-environments/display-status';
import { ScheduleRegistry } from '@vigil/schedule';
import { environmentState, type EnvironmentState } from '../monitor-environments/monitor-environment-state';
import { MonitorEnvironmentRepository } from '../monitor-environments/monitor-environment.repository';
import { writeMonitorAlertRule } from './monitor-alert-rule';
import { alertRuleOf, newMonitorValues, mutedOf, updatedMonitorValues, type MonitorBody } from './monitor-input';
import { MonitorReadRepository, type MonitorKey, type MonitorListFilter, type MonitorView } from './monitor-read.repository';
import { MonitorRepository, type Also } from './monitor.repository';
import { presentMonitor } from './monitor.presenter';
import { orderByStatus, type MonitorsByStatus } from './order-by-status';

/** Which monitors a list shows, and which page of them (`MONITOR_LIST_QUERY`, validated). */
export interface MonitorListQuery {
  query?: string;
  project?: string[];
  environment?: string[];
  owner?: string[];
  sort?: 'name' | 'status';
  state?: StateFilter[];
  tag?: string[];
  cursor?: string;
  per_page: number;
}

/** A page of a monitors list: its monitors, how many match in all (`X-Hits`), how many of those fail (by status only). */
export interface MonitorListPage {
  page: Page<MonitorKey>;
  hits: number;
  failing: number | null;
}

/** Slot rules are shared and immutable: one registry for every request. */
const SCHEDULES = new ScheduleRegistry();

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
    private readonly environmentFacts: MonitorEnvironmentRepository,
  ) {}

  async find(organizationId: string, reference: string): Promise<MonitorView> {
    const found = await this.reads.find(organizationId, reference);
    if (!found) throw unknownMonitor(reference);
    return found;
  }

  /** A monitor of one project (the project-scoped endpoints): another project's monitor is not found. */
  async findInProject(organizationId: string, projectReference: string, reference: string): Promise<MonitorView> {
    const [project] = await this.reads.projects(organizationId, [projectReference]);
    if (!project) throw unknownProject(projectReference, 'not_found');
    const found = await this.find(organizationId, reference);
    if (found.projectId !== project.id) throw unknownMonitor(reference);
    return found;
  }

  async create(organizationId: string, body: MonitorBody): Promise<MonitorView> {
    const values = newMonitorValues(body);
    const alertRule = alertRuleOf(body);
    const project = await this.project(organizationId, body.project!);
    const owner = await this.owner(organizationId, values.owner);
    return this.writes.create(organizationId, project.id, { ...values, owner }, values.slugDerived, this.alertRuleWrite(organizationId, alertRule));
  }

  /** Sentry's update: the fields sent change, the others (config fields too) keep their values. A monitor stays in its project. */
  async update(organizationId: string, reference: string, body: MonitorBody): Promise<MonitorView> {
    const current = await this.find(organizationId, reference);
    if (body.project !== undefined) {
      const project = await this.project(organizationId, body.project);
      if (project.id !== current.projectId)
        throw new DomainError('invalid', 'invalid_project', 'a monitor cannot move to another project: create it there and delete this one', 'project');
    }
    const alertRule = alertRuleOf(body);
    const owner = body.owner === undefined ? undefined : await this.owner(organizationId, body.owner);
    const updated = await this.writes.update(
      organizationId,
      current.id,
      (locked) => ({ ...updatedMonitorValues(locked, body), ...(owner === undefined ? {} : { owner }) }),
      this.alertRuleWrite(organizationId, alertRule),
    );
    if (!updated) throw unknownMonitor(reference);
    return updated;
  }

  /**
   * Deletes the monitor, or with `environments` only those environments of it (Sentry's `?environment=`): their
   * issues, settings, scheduler state and history go, the monitor and its other environments stay. An
   * environment the monitor does not have is a 404, as in Sentry when none matches.
   */
  async delete(organizationId: string, reference: string, environments: readonly string[] = []): Promise<void> {
    const current = await this.find(organizationId, reference);
    if (environments.length === 0) {
      if (!(await this.writes.delete(current.id))) throw unknownMonitor(reference);
      return;
    }
    const known = (await this.environmentStates([current], null)).get(current.id) ?? [];
    const names = [...new Set(environments)].filter((name) => known.some((environment) => environment.name === name));
    if (names.length === 0)
      throw new DomainError(
        'not_found',
        'unknown_environment',
        `monitor "${current.slug}" has none of the environments ${environments.map((name) => `"${name}"`).join(', ')}`,
        'environment',
      );
    const droppedAt = await this.writes.dropEnvironments(current.id, names);
    if (droppedAt === null) throw unknownMonitor(reference);
    await this.history.dropEnvironments(current.projectId, current.id, names);
  }

  /**
   * Mutes or unmutes one environment, which must be one the monitor has (checked in from, or has settings for),
   * as in Sentry, so a typo does not mute an environment that never reports.
   */
  async setEnvironmentMuted(
    organizationId: string,
    reference: string,
    environment: string,
    body: { is_muted?: boolean; isMuted?: boolean },
  ): Promise<MonitorView> {
    const monitor = await this.find(organizationId, reference);
    const muted = mutedOf(body);
    const known = (await this.environmentStates([monitor], null)).get(monitor.id) ?? [];
    if (!known.some((entry) => entry.name === environment)) {
      throw new DomainError('not_found', 'unknown_environment', `monitor "${monitor.slug}" has no environment "${environment}"`, 'environment');
    }
    if (muted !== undefined) await this.writes.setEnvironmentMuted(monitor.id, environment, muted);
    return this.find(organizationId, monitor.id);
  }

  /**
   * The monitors as the API shows them (Sentry's serializer), each with its environments (only those named in
   * `environments`, Sentry's `?environment=`, when given) and its owner as an actor.
   */
  async present(organizationId: string, monitors: readonly MonitorView[], environments: readonly string[] | null = null): Promise<Record<string, unknown>[]> {
    const [states, actors] = await Promise.all([
      this.environmentStates(monitors, environments),
      this.reads.actors(
        organizationId,
        monitors.map((monitor) => monitor.owner).filter((owner): owner is string => owner !== null),
      ),
    ]);
    return monitors.map((monitor) =>
      presentMonitor(monitor, states.get(monitor.id) ?? [], monitor.owner === null ? null : (actors.get(monitor.owner) ?? null)),
    );
  }

  /**
   * The page a monitors list query asks for (the list endpoint, and monitors-stats for the same page): by name,
   * paged in Postgres, or by status (`sort=status`, or a `state` filter), ordered over every monitor found.
   */
  async listPage(organizationId: string, query: MonitorListQuery): Promise<MonitorListPage> {
    const projectIds = await this.projectFilter(organizationId, query.project);
    const owners = query.owner?.filter((owner) => owner !== 'unassigned');
    const filter: MonitorListFilter = {
      ...(projectIds ? { projectIds } : {}),
      ...(query.query !== undefined && query.query.trim() !== '' ? { query: query.query.trim() } : {}),
      ...(query.owner && query.owner.length > 0 ? { owners: owners ?? [], unassigned: query.owner.includes('unassigned') } : {}),
      ...(query.tag && query.tag.length > 0 ? { tags: [...new Set(query.tag)] } : {}),
    };
    const environments = await this.environmentFilter(organizationId, projectIds, query.environment);
    if (environments) filter.environments = environments;
    const cursor = parseCursor(query.cursor);
    const states = query.state && query.state.length > 0 ? query.state : null;
    if (query.sort === 'status' || states !== null) {
      const found = await this.byStatus(organizationId, filter, query.environment && query.environment.length > 0 ? query.environment : null, states);
      return { page: pageOfList(found.monitors, cursor, query.per_page), hits: found.monitors.length, failing: found.failing };
    }
    const window = offsetWindow(cursor, query.per_page);
    const [rows, hits] = await Promise.all([
      this.reads.listKeys(organizationId, filter, window.offset, window.fetch),
      this.reads.count(organizationId, filter),
    ]);
    return { page: offsetPage(rows, window, query.per_page), hits, failing: null };
  }

  /**
   * The monitors `filter` finds, failing first (`sort=status`: by their worst environment's status in the order
   * of DISPLAY_STATUSES, then by name), only those with an environment in one of `states` when given. The status
   * is the one the dashboard shows, read for every monitor at once (`MonitorEnvironmentRepository.statusesOf`).
   */
  async byStatus(
    organizationId: string,
    filter: MonitorListFilter,
    environments: readonly string[] | null,
    states: readonly StateFilter[] | null,
  ): Promise<MonitorsByStatus> {
    const all = await this.reads.listKeys(organizationId, filter);
    return orderByStatus(all, await this.environmentFacts.statusesOf(all, environments), states);
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
  async environmentFilter(
    organizationId: string,
    projectIds: readonly number[] | undefined,
    names: readonly string[] | undefined,
  ): Promise<MonitorListFilter['environments']> {
    if (names === undefined || names.length === 0) return undefined;
    const scope = projectIds ?? (await this.reads.projectIds(organizationId));
    return { names, historyMonitorIds: await this.history.monitorsIn(scope, names) };
  }

  /**
   * An owner as stored: Sentry's `user:<id>` (a member of the organization) or `team:<id>` (a team, by id or
   * slug), the team's id written either way. Anything else is a 400 naming `owner`.
   */
  private async owner(organizationId: string, owner: string | null): Promise<string | null> {
    if (owner === null) return null;
    const match = /^(user|team):(.+)$/.exec(owner);
    if (match?.[1] === 'user') {
      const member = await this.reads.member(organizationId, match[2]!);
      if (member) return `user:${member.id}`;
    } else if (match?.[1] === 'team') {
      const team = await this.reads.team(organizationId, match[2]!);
      if (team) return `team:${team.id}`;
    }
    throw new DomainError(
      'invalid',
      'unknown_owner',
      `owner must be user:<member id> or team:<team id or slug> of this organization; "${owner}" is neither`,
      'owner',
    );
  }

  private alertRuleWrite(organizationId: string, rule: ReturnType<typeof alertRuleOf>): Also | undefined {
    if (rule === undefined) return undefined;
    return (manager, monitor) => writeMonitorAlertRule(manager, organizationId, monitor, rule);
  }

  /** Each monitor's environments with their state, by name: those in its history, judged by the scheduler, or with settings. */
  private async environmentStates(monitors: readonly MonitorView[], environments: readonly string[] | null): Promise<Map<string, EnvironmentState[]>> {
    const facts = await this.environmentFacts.factsOf(monitors, environments);
    const now = Date.now();
    const result = new Map<string, EnvironmentState[]>();
    for (const monitor of monitors) {
      const known = facts.get(monitor.id);
      if (!known) continue;
      const timing = { ...monitor.config, status: monitor.status };
      result.set(
        monitor.id,
        [...known.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => environmentState(name, value, timing, now, SCHEDULES, 0)),
      );
    }
    return result;
  }
}
