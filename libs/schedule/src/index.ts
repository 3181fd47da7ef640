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
