import type { CheckinSummary } from '../checkins/checkin-history.repository';
import type { EnvironmentState } from '../monitor-environments/monitor-environment-state';
import type { MonitorView } from './monitor-read.repository';

/** An owner as Sentry's actor serializer shows it: a member (`user`, with its email) or a team (named by its slug). */
export type OwnerActor = { type: 'user'; id: string; name: string; email: string } | { type: 'team'; id: string; name: string };

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Sentry's environment status from Vigil's track state: `disabled` while the monitor watches nothing (disabled,
 * or paused: Sentry has no pause), `active` before anything counted, then the last outcome (`late` is still
 * `ok`: its slot's margin has not passed), with Sentry's `missed_checkin` for a miss. Before the scheduler's
 * first judgement is recorded, the latest run's result.
 */
export function sentryEnvironmentStatus(monitorStatus: MonitorView['status'], environment: Pick<EnvironmentState, 'state' | 'lastCheckIn'>): string {
  const { state } = environment;
  if (monitorStatus !== 'active' || state === 'paused') return 'disabled';
  switch (state) {
    case null: {
      // Not judged yet (or history has not written the judgement): the latest result, as Sentry sets it on arrival.
      const last = environment.lastCheckIn?.status;
      return last === 'ok' || last === 'error' ? last : 'active';
    }
    case 'new':
      return 'active';
    case 'ok':
    case 'late':
      return 'ok';
    case 'missed':
      return 'missed_checkin';
    default:
      return state;
  }
}

/** One monitor-environment in the shape of Sentry's monitor environment serializer. */
export function presentMonitorEnvironment(monitor: MonitorView, environment: EnvironmentState): Record<string, unknown> {
  return {
    name: environment.name,
    status: sentryEnvironmentStatus(monitor.status, environment),
    // Sentry mutes every environment with its monitor.
    isMuted: monitor.isMuted || environment.isMuted,
    dateCreated: monitor.createdAt.toISOString(),
    lastCheckIn: iso(environment.lastCheckIn?.dateCreatedMs ?? null),
    nextCheckIn: iso(environment.nextCheckIn),
    nextCheckInLatest: iso(environment.nextCheckInLatest),
    vigilState: environment.state,
    lastCheckInStatus: environment.lastCheckIn?.status ?? null,
    activeIncident: environment.openIssueAt === null ? null : { startingTimestamp: iso(environment.openIssueAt), resolvingTimestamp: null, brokenNotice: null },
  };
}

/** The monitor's config as Sentry shows it (also each check-in's `monitorConfig`). */
export function presentConfig(monitor: MonitorView): Record<string, unknown> {
  const { config } = monitor;
  return {
    schedule_type: config.scheduleType,
    schedule: config.scheduleType === 'crontab' ? config.scheduleCrontab : [config.scheduleIntervalValue, config.scheduleIntervalUnit],
    checkin_margin: config.checkinMargin,
    max_runtime: config.maxRuntime,
    timezone: config.timezone,
    failure_issue_threshold: config.failureIssueThreshold,
    recovery_threshold: config.recoveryThreshold,
  };
}

/** A monitor in the shape of Sentry's monitor serializer (`MONITOR` in monitor.schemas.ts). */
export function presentMonitor(monitor: MonitorView, environments: readonly EnvironmentState[], owner: OwnerActor | null): Record<string, unknown> {
  return {
    id: monitor.id,
    slug: monitor.slug,
    name: monitor.name,
    status: monitor.status,
    type: 'cron_job',
    isMuted: monitor.isMuted,
    // Vigil writes a monitor and its check-in's config in one transaction: nothing is ever half upserted.
    isUpserting: false,
    project: { id: String(monitor.projectId), slug: monitor.projectSlug, name: monitor.projectName },
    owner,
    tags: monitor.tags,
    config: presentConfig(monitor),
    environments: environments.map((environment) => presentMonitorEnvironment(monitor, environment)),
    dateCreated: monitor.createdAt.toISOString(),
  };
}

/** One run, as Sentry's monitor check-ins API shows it (`CHECKIN`). */
export function presentCheckin(checkin: CheckinSummary, expectedTimeMs: number | null, monitorConfig: Record<string, unknown>): Record<string, unknown> {
  return {
    id: checkin.checkin_id,
    environment: checkin.environment,
    status: checkin.status,
    duration: checkin.duration_ms,
    dateCreated: new Date(checkin.date_created_ms).toISOString(),
    dateUpdated: new Date(checkin.date_updated_ms).toISOString(),
    expectedTime: iso(expectedTimeMs),
    monitorConfig,
  };
}
