export { PartitionDetector, type TrackChange } from './detector';
export { DueQueue, type Queued } from './due-queue';
export { deterministicCheckinId, toMonitorEventV1, type MonitorIdentity } from './monitor-event';
export { DEFAULT_CHECKIN_MARGIN_MINUTES, DEFAULT_MAX_RUNTIME_MINUTES, MAX_CONFIG_MINUTES, MonitorSettingsRegistry, type MonitorSettings } from './settings';
export { MAX_EARLY_TOLERANCE_MS, ScheduleRegistry, scheduleKey, type SlotRule } from '@vigil/schedule';
export { COLLAPSED_MISS_EVERY_MS, MISS_STREAK_LIMIT, MonitorHandle, Track } from './track';
export * from './types';
