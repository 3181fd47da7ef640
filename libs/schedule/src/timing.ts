const MINUTE_MS = 60_000;

/** Sentry's `DEFAULT_CHECKIN_MARGIN`: a slot is missed one minute after it when no margin is configured. */
export const DEFAULT_CHECKIN_MARGIN_MINUTES = 1;
/** Sentry's default max runtime (`TIMEOUT`): a run still open 30 minutes after its start times out. */
export const DEFAULT_MAX_RUNTIME_MINUTES = 30;
/** Sentry's hard limit for both margin and max runtime: 28 days (also `MAX_OPEN_RUN_AGE_MS` in libs/runs). */
export const MAX_CONFIG_MINUTES = 40_320;

/**
 * A monitor's margin or max runtime as the scheduler applies it: minutes clamped to [1, MAX_CONFIG_MINUTES];
 * null, non-numbers and values below 1 take the default. Shared so that what the API says is expected is what
 * the scheduler will judge.
 */
export function configMinutes(value: number | null | undefined, fallback: number): number {
  if (value === null || value === undefined || typeof value !== 'number' || !Number.isFinite(value) || value < 1) return fallback;
  return Math.min(Math.floor(value), MAX_CONFIG_MINUTES);
}

/** The check-in margin in milliseconds: how long after a slot its run may still arrive before it is missed. */
export function checkinMarginMs(minutes: number | null | undefined): number {
  return configMinutes(minutes, DEFAULT_CHECKIN_MARGIN_MINUTES) * MINUTE_MS;
}

/** The max runtime in milliseconds: how long a started run may stay open before it times out. */
export function maxRuntimeMs(minutes: number | null | undefined): number {
  return configMinutes(minutes, DEFAULT_MAX_RUNTIME_MINUTES) * MINUTE_MS;
}
