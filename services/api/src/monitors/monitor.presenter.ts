import type { MonitorWithProject } from './monitor-read.repository';

/** A monitor in the shape of Sentry's organization monitors API. */
export function presentMonitor({ monitor, projectSlug }: MonitorWithProject): Record<string, unknown> {
  return {
    id: monitor.id,
    slug: monitor.slug,
    name: monitor.name,
    status: monitor.status,
    isMuted: monitor.isMuted,
    project: { id: String(monitor.projectId), slug: projectSlug },
    owner: monitor.owner,
    config: {
      schedule_type: monitor.scheduleType,
      schedule: monitor.scheduleType === 'crontab' ? monitor.scheduleCrontab : [monitor.scheduleIntervalValue, monitor.scheduleIntervalUnit],
      checkin_margin: monitor.checkinMargin,
      max_runtime: monitor.maxRuntime,
      timezone: monitor.timezone,
      failure_issue_threshold: monitor.failureIssueThreshold,
      recovery_threshold: monitor.recoveryThreshold,
    },
    dateCreated: monitor.createdAt.toISOString(),
  };
}
