import cronstrue from 'cronstrue';
import { displayStatus as statusOf, worstStatus as worstOf, type DisplayStatus } from '../monitor-environments/display-status';
import { UNKNOWN_MEANING } from './timeline/ticks';

/** A monitor as the API answers it (`MONITOR` in monitors/monitor.schemas.ts), as far as the pages read it. */
export interface ApiMonitorEnvironment {
  name: string;
  status: string;
  isMuted: boolean;
  lastCheckIn: string | null;
  nextCheckIn: string | null;
  nextCheckInLatest: string | null;
  vigilState: string | null;
  lastCheckInStatus: string | null;
}

export interface ApiMonitor {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  isMuted: boolean;
  project: { id: string; slug: string; name: string };
  owner: { type: string; name: string } | null;
  /** Healthchecks' tags as words (Vigil's field beside Sentry's). */
  tags: string[];
  config: {
    schedule_type: 'crontab' | 'interval';
    schedule: string | [number, string];
    checkin_margin: number | null;
    max_runtime: number | null;
    timezone: string;
    failure_issue_threshold: number;
    recovery_threshold: number;
  };
  environments: ApiMonitorEnvironment[];
  dateCreated: string;
}

export { DISPLAY_STATUSES, FAILING, type DisplayStatus } from '../monitor-environments/display-status';

export const STATUS_LABELS: Record<DisplayStatus, string> = {
  error: 'Failed',
  timeout: 'Timed out',
  missed: 'Missed',
  late: 'Late',
  in_progress: 'In progress',
  new: 'New (no check-in yet)',
  ok: 'Okay',
  paused: 'Paused',
  disabled: 'Disabled',
};

/**
 * The icon and label of one run in the monitor page's check-in list (the API's check-in `status`): a display
 * status, or `unknown`, a miss while Vigil's own pipeline was down, which is no failure and which no environment
 * ever shows (so it is not among the list's filters).
 */
export function runDisplay(status: string): { icon: DisplayStatus | 'unknown'; label: string } {
  if (status === 'unknown') return { icon: 'unknown', label: `Unknown — ${UNKNOWN_MEANING}` };
  const icon = (['ok', 'error', 'missed', 'timeout', 'in_progress'] as const).find((known) => known === status);
  return icon ? { icon, label: STATUS_LABELS[icon] } : { icon: 'new', label: status };
}

/** The status one environment shows (`display-status.ts`, the same the API sorts and filters by). */
export function displayStatus(monitor: Pick<ApiMonitor, 'status'>, environment: ApiMonitorEnvironment): DisplayStatus {
  return statusOf(monitor.status, environment);
}

/** The monitor's worst environment status (a monitor without environments is new, or paused with its monitor). */
export function worstStatus(monitor: ApiMonitor): DisplayStatus {
  return worstOf(
    monitor.status,
    monitor.environments.map((environment) => displayStatus(monitor, environment)),
  );
}

/** The schedule as written: the crontab, or `<n> <unit>`. */
export function scheduleAsWritten(config: ApiMonitor['config']): string {
  return typeof config.schedule === 'string' ? config.schedule : `${config.schedule[0]} ${config.schedule[1]}`;
}

/** Schedules in words already made: a list shows the same few schedules many times (bounded, it is only a shortcut). */
const WORDS = new Map<string, string>();

/** The schedule in words with its zone: "At 03:00 (Europe/Berlin)", "Every 2 hours". */
export function scheduleInWords(config: ApiMonitor['config']): string {
  if (typeof config.schedule !== 'string') {
    const [value, unit] = config.schedule;
    return value === 1 ? `Every ${unit}` : `Every ${value} ${unit}s`;
  }
  const key = `${config.schedule}\n${config.timezone}`;
  let words = WORDS.get(key);
  if (words === undefined) {
    try {
      words = `${cronstrue.toString(config.schedule, { use24HourTimeFormat: true, verbose: false })} (${config.timezone})`;
    } catch {
      words = `${config.schedule} (${config.timezone})`;
    }
    if (WORDS.size >= 1000) WORDS.clear();
    WORDS.set(key, words);
  }
  return words;
}
