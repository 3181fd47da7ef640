import { ScheduleRegistry, type SlotRule } from './slot-rules';
import type { MonitorConfigInput, MonitorStatus } from './types';

const MINUTE_MS = 60_000;

/** Sentry's `DEFAULT_CHECKIN_MARGIN`: a slot is missed one minute after it when no margin is configured. */
export const DEFAULT_CHECKIN_MARGIN_MINUTES = 1;
/** Sentry's default max runtime (`TIMEOUT`): a run still open 30 minutes after its start times out. */
export const DEFAULT_MAX_RUNTIME_MINUTES = 30;
/** Sentry's hard limit for both margin and max runtime: 28 days (also `MAX_OPEN_RUN_AGE_MS` in libs/runs). */
export const MAX_CONFIG_MINUTES = 40_320;

/**
 * A monitor's settings, resolved and immutable: the shared slot rule, margins in milliseconds. Interned, so
 * monitors with identical settings (most of them use a handful of defaults) share one object.
 */
export interface MonitorSettings {
  readonly key: string;
  readonly rule: SlotRule;
  readonly marginMs: number;
  readonly maxRuntimeMs: number;
  /** How long a started run may stay open: max runtime, or the margin with `timeoutFromMargin`. */
  readonly timeoutMs: number;
  readonly status: MonitorStatus;
}

/** Minutes clamped to [1, MAX_CONFIG_MINUTES]; null, non-numbers and values below 1 take the default. */
function minutes(value: number | null, fallback: number): number {
  if (value === null || typeof value !== 'number' || !Number.isFinite(value) || value < 1) return fallback;
  return Math.min(Math.floor(value), MAX_CONFIG_MINUTES);
}

export class MonitorSettingsRegistry {
  private readonly interned = new Map<string, MonitorSettings>();

  constructor(readonly schedules: ScheduleRegistry = new ScheduleRegistry()) {}

  get size(): number {
    return this.interned.size;
  }

  /** Resolves (and validates: throws `ScheduleError` for a bad schedule) a monitor's configuration. */
  resolve(input: MonitorConfigInput): MonitorSettings {
    const rule = this.schedules.rule(input.schedule);
    const marginMs = minutes(input.checkinMarginMinutes, DEFAULT_CHECKIN_MARGIN_MINUTES) * MINUTE_MS;
    const maxRuntimeMs = minutes(input.maxRuntimeMinutes, DEFAULT_MAX_RUNTIME_MINUTES) * MINUTE_MS;
    const timeoutMs = input.timeoutFromMargin === true ? marginMs : maxRuntimeMs;
    const status: MonitorStatus = input.status === 'paused' || input.status === 'disabled' ? input.status : 'active';
    const key = `${rule.key}#${marginMs}#${maxRuntimeMs}#${timeoutMs}#${status}`;
    const known = this.interned.get(key);
    if (known) return known;
    const settings: MonitorSettings = Object.freeze({ key, rule, marginMs, maxRuntimeMs, timeoutMs, status });
    this.interned.set(key, settings);
    return settings;
  }
}
