import { checkinMarginMs, maxRuntimeMs, ScheduleRegistry, type SlotRule } from '@vigil/schedule';
import type { MonitorConfigInput, MonitorStatus } from './types';

/** The defaults and limits live in libs/schedule, shared with the API's view of what is expected next. */
export { DEFAULT_CHECKIN_MARGIN_MINUTES, DEFAULT_MAX_RUNTIME_MINUTES, MAX_CONFIG_MINUTES } from '@vigil/schedule';

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
  /**
   * Healthchecks' rules (a check made by a ping URL or the Healthchecks API, `timeoutFromMargin`): a start never
   * makes a new track active, and an interval runs from the exact instant of the last success or failure
   * (see `Track`, rule 8).
   */
  readonly healthchecks: boolean;
  readonly status: MonitorStatus;
}

export class MonitorSettingsRegistry {
  private readonly interned = new Map<string, MonitorSettings>();

  constructor(readonly schedules: ScheduleRegistry = new ScheduleRegistry()) {}

  get size(): number {
    return this.interned.size;
  }

  /** Resolves (and validates: throws `ScheduleError` for a bad schedule) a monitor's configuration. */
  resolve(input: MonitorConfigInput): MonitorSettings {
    const healthchecks = input.timeoutFromMargin === true;
    const rule = this.schedules.rule(input.schedule, { exactIntervals: healthchecks });
    const marginMs = checkinMarginMs(input.checkinMarginMinutes);
    const maxRuntime = maxRuntimeMs(input.maxRuntimeMinutes);
    const timeoutMs = healthchecks ? marginMs : maxRuntime;
    const status: MonitorStatus = input.status === 'paused' || input.status === 'disabled' ? input.status : 'active';
    // join makes one flat string; a template literal's tree of pieces would stay alive in the map (~100 B more).
    const key = [rule.key, marginMs, maxRuntime, timeoutMs, healthchecks ? 'hc' : 'sentry', status].join('#');
    const known = this.interned.get(key);
    if (known) return known;
    const settings: MonitorSettings = Object.freeze({ key, rule, marginMs, maxRuntimeMs: maxRuntime, timeoutMs, healthchecks, status });
    this.interned.set(key, settings);
    return settings;
  }
}
