import cronstrue from 'cronstrue';
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

/** What a status icon shows, in the order the list sorts by (failing first). */
export const DISPLAY_STATUSES = ['error', 'timeout', 'missed', 'late', 'in_progress', 'new', 'ok', 'paused', 'disabled'] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];
export const FAILING: ReadonlySet<DisplayStatus> = new Set(['error', 'timeout', 'missed']);

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

const FROM_SENTRY_STATUS: Record<string, DisplayStatus> = { active: 'new', ok: 'ok', error: 'error', missed_checkin: 'missed', timeout: 'timeout' };

/**
 * The status one environment shows: paused or disabled with its monitor; otherwise the scheduler's state
 * (`late` included), shown as in progress while a run is open and nothing failed; before the scheduler's first
 * judgement, the API's Sentry status.
 */
export function displayStatus(monitor: Pick<ApiMonitor, 'status'>, environment: ApiMonitorEnvironment): DisplayStatus {
  if (monitor.status === 'disabled') return 'disabled';
  if (monitor.status === 'paused' || environment.vigilState === 'paused') return 'paused';
  const run = environment.lastCheckInStatus;
  const fromRun: DisplayStatus | undefined = run === 'ok' || run === 'error' || run === 'missed' || run === 'timeout' ? run : undefined;
  const state = (environment.vigilState ?? FROM_SENTRY_STATUS[environment.status] ?? fromRun ?? 'new') as DisplayStatus;
  if (environment.lastCheckInStatus === 'in_progress' && !FAILING.has(state)) return 'in_progress';
  return DISPLAY_STATUSES.includes(state) ? state : 'new';
}

/** The monitor's worst environment status (a monitor without environments is new, or paused with its monitor). */
export function worstStatus(monitor: ApiMonitor): DisplayStatus {
  const statuses = monitor.environments.map((environment) => displayStatus(monitor, environment));
  if (statuses.length === 0) return monitor.status === 'active' ? 'new' : monitor.status;
  return statuses.sort((a, b) => DISPLAY_STATUSES.indexOf(a) - DISPLAY_STATUSES.indexOf(b))[0]!;
}

/** Failing monitors first (then late, running, new, ok, paused), by name within each. */
export function sortFailingFirst(monitors: readonly ApiMonitor[]): ApiMonitor[] {
  const rank = new Map(monitors.map((monitor) => [monitor, DISPLAY_STATUSES.indexOf(worstStatus(monitor))]));
  return [...monitors].sort((a, b) => rank.get(a)! - rank.get(b)! || a.name.localeCompare(b.name) || a.slug.localeCompare(b.slug));
}

/** The schedule as written: the crontab, or `<n> <unit>`. */
export function scheduleAsWritten(config: ApiMonitor['config']): string {
  return typeof config.schedule === 'string' ? config.schedule : `${config.schedule[0]} ${config.schedule[1]}`;
}

/** The schedule in words with its zone: "At 03:00 (Europe/Berlin)", "Every 2 hours". */
export function scheduleInWords(config: ApiMonitor['config']): string {
  if (typeof config.schedule !== 'string') {
    const [value, unit] = config.schedule;
    return value === 1 ? `Every ${unit}` : `Every ${value} ${unit}s`;
  }
  try {
    return `${cronstrue.toString(config.schedule, { use24HourTimeFormat: true, verbose: false })} (${config.timezone})`;
  } catch {
    return `${config.schedule} (${config.timezone})`;
  }
}
