/**
 * The status a person sees for a monitor-environment (the dashboard's icon, and the order of the monitors list's
 * `sort=status`): Vigil's states and Sentry's, in the order failing first. One definition for the API's sorting
 * and filtering and for the dashboard's icons, so the list is ordered by what it shows.
 */
export const DISPLAY_STATUSES = ['error', 'timeout', 'missed', 'late', 'in_progress', 'new', 'ok', 'paused', 'disabled'] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];
export const FAILING: ReadonlySet<DisplayStatus> = new Set(['error', 'timeout', 'missed']);

/** What the monitors list's `state` filter takes: a status, or `failing` (error, timeout or missed). */
export const STATE_FILTERS = ['failing', ...DISPLAY_STATUSES] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

const FROM_SENTRY_STATUS: Record<string, DisplayStatus> = { active: 'new', ok: 'ok', error: 'error', missed_checkin: 'missed', timeout: 'timeout' };

/** The fields of a monitor environment (as the API shows it, `MONITOR_ENVIRONMENT`) the status is made of. */
export interface StatusFields {
  /** Sentry's status (`active`, `ok`, `error`, `missed_checkin`, `timeout`, `disabled`). */
  status: string;
  vigilState: string | null;
  lastCheckInStatus: string | null;
}

/**
 * The status one environment shows: paused or disabled with its monitor; otherwise the scheduler's state
 * (`late` included), shown as in progress while a run is open and nothing failed; before the scheduler's first
 * judgement, the API's Sentry status.
 */
export function displayStatus(monitorStatus: string, environment: StatusFields): DisplayStatus {
  if (monitorStatus === 'disabled') return 'disabled';
  if (monitorStatus === 'paused' || environment.vigilState === 'paused') return 'paused';
  const run = environment.lastCheckInStatus;
  const fromRun: DisplayStatus | undefined = run === 'ok' || run === 'error' || run === 'missed' || run === 'timeout' ? run : undefined;
  const state = (environment.vigilState ?? FROM_SENTRY_STATUS[environment.status] ?? fromRun ?? 'new') as DisplayStatus;
  if (run === 'in_progress' && !FAILING.has(state)) return 'in_progress';
  return DISPLAY_STATUSES.includes(state) ? state : 'new';
}

/** Where a status sorts: failing first, then late, running, new, ok, paused, disabled. */
export function statusRank(status: DisplayStatus): number {
  return DISPLAY_STATUSES.indexOf(status);
}

/** A monitor's worst environment status; a monitor without environments is new (active) or paused/disabled with its monitor. */
export function worstStatus(monitorStatus: string, statuses: readonly DisplayStatus[]): DisplayStatus {
  if (statuses.length === 0) return monitorStatus === 'paused' || monitorStatus === 'disabled' ? monitorStatus : 'new';
  return statuses.reduce((worst, status) => (statusRank(status) < statusRank(worst) ? status : worst));
}
