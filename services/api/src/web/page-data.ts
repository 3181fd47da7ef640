import { createHash } from 'node:crypto';
import { bucketsFromStats, timelineSvg } from './timeline/timeline-svg';
import { displayStatus, scheduleAsWritten, scheduleInWords, STATUS_LABELS, type ApiMonitor, type DisplayStatus } from './monitor-view';

/** The timeline ranges the pages offer, and the bucket size each uses (at most 180 buckets). */
export const RANGES = {
  '1h': { seconds: 3600, resolution: 60 },
  '24h': { seconds: 86400, resolution: 600 },
  '7d': { seconds: 604800, resolution: 3600 },
  '30d': { seconds: 2592000, resolution: 14400 },
} as const;
export type RangeName = keyof typeof RANGES;
export const RANGE_NAMES = Object.keys(RANGES) as RangeName[];

/** The stats endpoint's answer (`MONITOR_STATS`). */
export interface ApiMonitorStats {
  start: string;
  end: string;
  resolution: number;
  buckets: number;
  /** The order of the counts in each bucket. */
  statuses: string[];
  monitors: Record<string, Record<string, number[][]>>;
  /** With `durations=true`: the order of the values after each duration bucket's index (`runs`, `p50`, `p99`). */
  durationFields?: string[];
  /** With `durations=true`: per slug, per environment, `[index, runs, p50, p99]` of the buckets with durations. */
  durations?: Record<string, Record<string, number[][]>>;
}

/** Text for a time relative to `now` ("3 min ago", "in 2 h"); the browser script keeps it current. */
export function relativeText(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const size = Math.abs(seconds);
  const [value, unit] =
    size < 60 ? [size, 's'] : size < 3600 ? [Math.round(size / 60), 'min'] : size < 86400 ? [Math.round(size / 3600), 'h'] : [Math.round(size / 86400), 'd'];
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

export interface EnvironmentRow {
  name: string;
  status: DisplayStatus;
  statusLabel: string;
  isMuted: boolean;
  timeline: string;
  lastCheckIn: string | null;
  lastCheckInText: string;
  nextCheckIn: string | null;
  nextCheckInText: string;
}

export interface MonitorRow {
  slug: string;
  name: string;
  project: string;
  owner: string | null;
  tags: string[];
  status: DisplayStatus;
  paused: boolean;
  isMuted: boolean;
  zone: string;
  scheduleWords: string;
  scheduleWritten: string;
  environments: EnvironmentRow[];
}

export function environmentRows(monitor: ApiMonitor, stats: ApiMonitorStats | null, now: number): EnvironmentRow[] {
  const start = stats ? Date.parse(stats.start) : 0;
  return monitor.environments.map((environment) => {
    const status = displayStatus(monitor, environment);
    const buckets = stats
      ? bucketsFromStats(stats.monitors[monitor.slug]?.[environment.name] ?? [], stats.statuses, start, stats.resolution * 1000, stats.buckets)
      : [];
    const label = `${STATUS_LABELS[status]}${environment.isMuted ? ' (muted)' : ''}`;
    return {
      name: environment.name,
      status,
      statusLabel: label,
      isMuted: environment.isMuted,
      timeline: timelineSvg(buckets, (stats?.resolution ?? 60) * 1000, `Runs of ${monitor.name} in ${environment.name}`),
      lastCheckIn: environment.lastCheckIn,
      lastCheckInText: environment.lastCheckIn ? relativeText(environment.lastCheckIn, now) : '',
      nextCheckIn: environment.nextCheckIn,
      nextCheckInText: environment.nextCheckIn ? relativeText(environment.nextCheckIn, now) : '',
    };
  });
}

export function monitorRow(monitor: ApiMonitor, stats: ApiMonitorStats | null, now: number, status: DisplayStatus): MonitorRow {
  return {
    slug: monitor.slug,
    name: monitor.name,
    project: monitor.project.name,
    owner: monitor.owner?.name ?? null,
    tags: monitor.tags,
    status,
    paused: monitor.status !== 'active',
    isMuted: monitor.isMuted,
    zone: monitor.config.timezone,
    scheduleWords: scheduleInWords(monitor.config),
    scheduleWritten: scheduleAsWritten(monitor.config),
    environments: environmentRows(monitor, stats, now),
  };
}

/** A short fingerprint of what a fragment shows: the poll sends it back and gets 204 while it is the same. */
export function fingerprint(html: string): string {
  return createHash('sha256').update(html).digest('base64url').slice(0, 16);
}

/** The `rel="next"` cursor of a `Link` header while it has results. */
export function nextCursor(link: string | number | string[] | undefined): string | null {
  const header = Array.isArray(link) ? link.join(', ') : String(link ?? '');
  const next = header.split(/,\s*(?=<)/).find((part) => part.includes('rel="next"'));
  if (!next || !next.includes('results="true"')) return null;
  return /cursor="([^"]+)"/.exec(next)?.[1] ?? null;
}
