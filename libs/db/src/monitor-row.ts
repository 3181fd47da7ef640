import type { IntervalUnit, MonitorStatus, ScheduleType } from './entities/monitor.entity';

/** The configuration columns of a `monitors` row as raw SQL returns them (ingest and the scheduler read them). */
export interface MonitorConfigRow {
  schedule_type: ScheduleType;
  schedule_crontab: string | null;
  schedule_interval_value: number | null;
  schedule_interval_unit: IntervalUnit | null;
  checkin_margin: number | null;
  max_runtime: number | null;
  failure_issue_threshold: number;
  recovery_threshold: number;
  timezone: string;
  owner: string | null;
  status: MonitorStatus;
  timeout_from_margin: boolean;
}

export const MONITOR_CONFIG_COLUMNS: ReadonlyArray<keyof MonitorConfigRow> = [
  'schedule_type',
  'schedule_crontab',
  'schedule_interval_value',
  'schedule_interval_unit',
  'checkin_margin',
  'max_runtime',
  'failure_issue_threshold',
  'recovery_threshold',
  'timezone',
  'owner',
  'status',
  'timeout_from_margin',
];

/**
 * The SQL expression for a new monitor's id, given the placeholder of `monitorIdFor(project, slug)`: that id,
 * unless a monitor renamed away from the slug already has it (then a random one). Every path that creates
 * monitors uses it, so a check-in for a slug ingest does not know yet lands on the partition of the monitor
 * being created (decision 0021).
 */
export function newMonitorIdSql(placeholder: string): string {
  return `(CASE WHEN EXISTS (SELECT 1 FROM monitors WHERE id = ${placeholder}::uuid) THEN gen_random_uuid() ELSE ${placeholder}::uuid END)`;
}
