import type { CheckinMessageV1 } from '@vigil/contracts';
import { prng } from '@vigil/schedule/dist/measurement';
import type { MonitorConfigInput } from '@vigil/scheduler/dist/detection';
import type { DirectoryMonitor } from '@vigil/scheduler/dist/engine/monitor-directory';

/**
 * The monitors the scheduler bench loads: a deterministic population (every attribute of monitor m comes from
 * a PRNG seeded with m), so the directory can be filled again for the rebuild without the bench keeping a
 * per-monitor record of its own in the heap it measures.
 */

export const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Australia/Sydney'] as const;
const ZONE_WEIGHTS = [0.4, 0.12, 0.12, 0.12, 0.12, 0.12];
export const ENVIRONMENTS = ['production', 'staging'] as const;
/** Share of monitors with a second environment (each monitor-environment is one track). */
const SECOND_ENVIRONMENT = 0.2;
/** Share of check-ins that start a run left open (`in_progress`, never closed during the bench). */
export const IN_PROGRESS_SHARE = 0.1;
/** Every BURST_EVERY-th monitor belongs to the burst: they all fall due in the same second. */
export const BURST_EVERY = 10;
const ORGANIZATIONS = 2000;
/** The burst monitors' max runtime: a value no other monitor uses, so their settings are interned apart. */
const BURST_MAX_RUNTIME_MINUTES = 7;
const MINUTE = 60_000;

export type MixKind =
  | 'daily crontab'
  | 'hourly crontab'
  | 'every minute'
  | 'every 5 minutes'
  | 'every 15 minutes'
  | 'weekdays crontab'
  | 'interval 1 hour'
  | 'interval 1 day'
  | 'burst (daily, UTC)';

export const MIX_DESCRIPTION: ReadonlyArray<readonly [MixKind, string]> = [
  ['daily crontab', '35 % of the other monitors: `m h * * *`, minute and hour uniform'],
  ['hourly crontab', '25 %: `m * * * *`, minute uniform'],
  ['every minute', '5 %: `* * * * *`'],
  ['every 5 minutes', '5 %: `*/5 * * * *`'],
  ['every 15 minutes', '5 %: `*/15 * * * *`'],
  ['weekdays crontab', '5 %: `m h * * 1-5`, a tenth of them paused'],
  ['interval 1 hour', '10 %: Healthchecks-style interval, margin (grace) 60 min, runs time out after the grace'],
  ['interval 1 day', '10 %: the same, daily'],
  ['burst (daily, UTC)', `every ${BURST_EVERY}th monitor: one daily crontab at the burst minute, UTC, margin 1 min`],
];

function hash32(value: number, salt: number): number {
  let h = Math.imul(value ^ salt, 0x9e3779b1) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (value: number, digits: number) =>
  (value >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(8 - digits);

/**
 * A lowercase UUID (version 4 layout) unique per (index, salt). Strings are flattened: what a consumer holds
 * after JSON.parse (or pg after reading a row) is one flat string, not the concatenation tree a template
 * literal builds, which would overstate the heap.
 */
export function uuidFor(index: number, salt: number): string {
  const a = hash32(index, salt);
  const b = hash32(index, salt ^ 0x5bd1e995);
  const c = hash32(index, salt ^ 0x1b873593);
  const tail = `${hex(salt, 2)}${index.toString(16).padStart(10, '0')}`;
  return flat(`${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-${(8 + (c & 3)).toString(16)}${hex(c >>> 8, 3)}-${tail}`);
}

export function flat(value: string): string {
  return JSON.parse(JSON.stringify(value)) as string;
}

/** FNV-1a (32 bit) of a Kafka key: which of the 12 check-ins partitions a monitor-environment lands on. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

export interface BenchMonitor extends DirectoryMonitor {
  index: number;
  kind: MixKind;
  environments: number;
}

export interface BenchCheckin {
  partition: number;
  key: string;
  payload: CheckinMessageV1;
  inProgress: boolean;
}

/**
 * `size` monitor-environments over `monitorCount` monitors. Monitor m has one environment, or two with
 * probability 0.2 (the last monitor is cut to make the total exact).
 */
export class Population {
  readonly monitorCount: number;
  private readonly lastEnvironments: number;
  private burstExpression = '';
  private slot = 0;

  constructor(
    readonly size: number,
    /** The instant the burst monitors' next slot falls on (a whole minute, UTC). */
    burstSlot: number,
    readonly seed = 42,
  ) {
    let total = 0;
    let m = 0;
    let last = 1;
    while (total < size) {
      last = Math.min(this.environmentsDrawn(m), size - total);
      total += last;
      m += 1;
    }
    this.monitorCount = m;
    this.lastEnvironments = last;
    this.moveBurst(burstSlot);
  }

  get burstSlot(): number {
    return this.slot;
  }

  /** Puts the burst at another minute (within the next 24 hours): the burst monitors' config changes. */
  moveBurst(slot: number): void {
    const at = new Date(slot);
    this.slot = slot;
    this.burstExpression = `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
  }

  private random(m: number): () => number {
    return prng(hash32(m, this.seed));
  }

  private environmentsDrawn(m: number): number {
    return this.random(m)() < SECOND_ENVIRONMENT ? 2 : 1;
  }

  static isBurst(m: number): boolean {
    return m % BURST_EVERY === BURST_EVERY - 1;
  }

  /** The burst monitors' configuration (all identical). */
  burstConfig(): MonitorConfigInput {
    return {
      schedule: { type: 'crontab', value: this.burstExpression, timezone: 'UTC' },
      checkinMarginMinutes: 1,
      maxRuntimeMinutes: BURST_MAX_RUNTIME_MINUTES,
      status: 'active',
    };
  }

  monitor(m: number): BenchMonitor {
    const random = this.random(m);
    const drawn = random() < SECOND_ENVIRONMENT ? 2 : 1;
    const environments = m === this.monitorCount - 1 ? this.lastEnvironments : drawn;
    const { kind, config } = Population.isBurst(m) ? { kind: 'burst (daily, UTC)' as const, config: this.burstConfig() } : pickConfig(random);
    return {
      index: m,
      kind,
      environments,
      id: uuidFor(m, 0x01),
      identity: {
        organization_id: uuidFor(m % ORGANIZATIONS, 0x03),
        project_id: 1 + (m % (ORGANIZATIONS * 3)),
        monitor_slug: flat(`job-${m.toString(36)}-${['backup', 'report', 'sync', 'cleanup', 'billing'][m % 5]!}`),
      },
      config,
    };
  }

  /**
   * The one check-in of monitor-environment (m, e), received between 1 and 50 s before `at`: an `ok`, or in
   * IN_PROGRESS_SHARE of cases an `in_progress` whose run stays open. Every string in it is a fresh flat copy,
   * as the consumer's JSON.parse would give.
   */
  checkin(monitor: BenchMonitor, environment: number, at: number, partitions: number): BenchCheckin {
    const random = prng(hash32(monitor.index * 2 + environment, this.seed ^ 0x2545f491));
    const inProgress = random() < IN_PROGRESS_SHARE;
    const receivedAt = at - 1000 - Math.floor(random() * 49_000);
    const monitorId = flat(monitor.id);
    const environmentName = flat(ENVIRONMENTS[environment]!);
    const key = `${monitorId}:${environmentName}`;
    return {
      partition: partitionOf(key, partitions),
      key,
      inProgress,
      payload: {
        version: 1,
        event_id: EVENT_ID,
        checkin_id: inProgress ? uuidFor(monitor.index * 2 + environment, 0x02) : OK_RUN_ID,
        organization_id: flat(monitor.identity.organization_id),
        project_id: monitor.identity.project_id,
        monitor_id: monitorId,
        monitor_slug: flat(monitor.identity.monitor_slug),
        environment: environmentName,
        status: inProgress ? 'in_progress' : 'ok',
        run_match: 'exact',
        duration_ms: inProgress ? null : 1000 + Math.floor(random() * 60_000),
        received_at: receivedAt,
        release: null,
        trace_id: null,
        source: 'sentry_envelope',
        exit_status: null,
        body: null,
        remote_addr: null,
        user_agent: 'sentry.python/2.0.0',
      },
    };
  }
}

/** Ids the detector never keeps: an `ok` that closes no run is not retained, nor is the event id. */
const EVENT_ID = '0f8b3c52-6a8e-4a53-9d3e-0c3f5f3c2b11';
const OK_RUN_ID = 'b7e4a6f2-1c3d-4e5f-8a9b-0c1d2e3f4a5b';

function pickWeighted<T>(values: readonly T[], weights: readonly number[], draw: number): T {
  let acc = 0;
  for (let i = 0; i < values.length; i += 1) {
    acc += weights[i]!;
    if (draw < acc) return values[i]!;
  }
  return values[values.length - 1]!;
}

function pickConfig(random: () => number): { kind: MixKind; config: MonitorConfigInput } {
  const pick = random();
  const timezone = pickWeighted(ZONES, ZONE_WEIGHTS, random());
  const minute = Math.floor(random() * 60);
  const hour = Math.floor(random() * 24);
  const checkinMarginMinutes = random() < 0.5 ? null : [1, 5, 15, 60][Math.floor(random() * 4)]!;
  const maxRuntimeMinutes = random() < 0.5 ? null : [10, 60, 240][Math.floor(random() * 3)]!;
  const paused = random() < 0.1;
  const base = { checkinMarginMinutes, maxRuntimeMinutes, status: 'active' as const };
  if (pick < 0.35) return { kind: 'daily crontab', config: { ...base, schedule: { type: 'crontab', value: `${minute} ${hour} * * *`, timezone } } };
  if (pick < 0.6) return { kind: 'hourly crontab', config: { ...base, schedule: { type: 'crontab', value: `${minute} * * * *`, timezone } } };
  if (pick < 0.65) return { kind: 'every minute', config: { ...base, schedule: { type: 'crontab', value: '* * * * *', timezone } } };
  if (pick < 0.7) return { kind: 'every 5 minutes', config: { ...base, schedule: { type: 'crontab', value: '*/5 * * * *', timezone } } };
  if (pick < 0.75) return { kind: 'every 15 minutes', config: { ...base, schedule: { type: 'crontab', value: '*/15 * * * *', timezone } } };
  if (pick < 0.8) {
    return {
      kind: 'weekdays crontab',
      config: { ...base, status: paused ? 'paused' : 'active', schedule: { type: 'crontab', value: `${minute} ${hour} * * 1-5`, timezone } },
    };
  }
  const unit = pick < 0.9 ? 'hour' : 'day';
  return {
    kind: unit === 'hour' ? 'interval 1 hour' : 'interval 1 day',
    config: { schedule: { type: 'interval', value: 1, unit }, checkinMarginMinutes: 60, maxRuntimeMinutes: null, status: 'active', timeoutFromMargin: true },
  };
}

export { MINUTE };
