export { ScheduleError, type ScheduleField } from './errors';
export { CRONTAB_ALIASES, type CrontabFields } from './crontab';
export {
  parseSchedule,
  CrontabSchedule,
  IntervalSchedule,
  INTERVAL_UNITS,
  type IntervalUnit,
  type CrontabSpec,
  type IntervalSpec,
  type ScheduleSpec,
  type Schedule,
} from './schedule';
export { isValidTimeZone } from './zone';
export { currentZoneName, legacyZoneNames } from './zone-names';
export { MAX_EARLY_TOLERANCE_MS, ScheduleRegistry, scheduleKey, type RuleOptions, type SlotRule } from './slot-rules';
export { DEFAULT_CHECKIN_MARGIN_MINUTES, DEFAULT_MAX_RUNTIME_MINUTES, MAX_CONFIG_MINUTES, configMinutes, checkinMarginMs, maxRuntimeMs } from './timing';
export { expectationOf, upcomingSlots, type Expectation, type ExpectationInput } from './expectation';
export { isoInZone } from './zoned-time';
