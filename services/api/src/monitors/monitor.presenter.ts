import type { CheckinSummary } from '../checkins/checkin-history.repository';
import type { MonitorView } from './monitor-read.repository';

/** One environment of a monitor as the monitor shows it. */
export interface MonitorEnvironmentView {
  name: string;
  isMuted: boolean;
  lastCheckinMs: number | null;
}

/** A monitor in the shape of Sentry's organization monitors API (`MONITOR` in monitor.schemas.ts). */
export function presentMonitor(monitor: MonitorView, environments: readonly MonitorEnvironmentView[]): Record<string, unknown> {
  const { config } = monitor;
  return {
    id: monitor.id,
    slug: monitor.slug,
    name: monitor.name,
    status: monitor.status,
    isMuted: monitor.isMuted,
    project: { id: String(monitor.projectId), slug: monitor.projectSlug },
    owner: monitor.owner,
    config: {
      schedule_type: config.scheduleType,
      schedule: config.scheduleType === 'crontab' ? config.scheduleCrontab : [config.scheduleIntervalValue, config.scheduleIntervalUnit],
      checkin_margin: config.checkinMargin,
      max_runtime: config.maxRuntime,
      timezone: config.timezone,
      failure_issue_threshold: config.failureIssueThreshold,
      recovery_threshold: config.recoveryThreshold,
    },
    environments: environments.map((environment) => ({
      name: environment.name,
      isMuted: environment.isMuted,
      lastCheckIn: environment.lastCheckinMs === null ? null : new Date(environment.lastCheckinMs).toISOString(),
    })),
    dateCreated: monitor.createdAt.toISOString(),
  };
}

/** One run, as Sentry's monitor check-ins API shows it (`CHECKIN`). */
export function presentCheckin(checkin: CheckinSummary): Record<string, unknown> {
  return {
    id: checkin.checkin_id,
    environment: checkin.environment,
    status: checkin.status,
    duration: checkin.duration_ms,
    dateCreated: new Date(checkin.date_created_ms).toISOString(),
    dateUpdated: new Date(checkin.date_updated_ms).toISOString(),
  };
}
