import './slot';
import { TOPICS } from '@vigil/contracts';
import type { VigilConfig } from '@vigil/config';
import { createKafkaClient, kafkaConnection, ensureTopics, readPartitionsToEnd, TopicProducer } from '@vigil/kafka';
import { createLogger, type Logger } from '@vigil/logging';
import { MonitorSettingsRegistry, ScheduleRegistry, type MonitorSettings } from '@vigil/scheduler/dist/detection';
import { DetectionEngine, type StateReader } from '@vigil/scheduler/dist/engine/detection-engine';
import { MonitorDirectory } from '@vigil/scheduler/dist/engine/monitor-directory';
import { ensureStack, REPO_ROOT, testConfig } from '@vigil/testing';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { runBench } from '../support/finish';
import { formatSummary, summarizeProfile } from '../support/cpu-profile';
import { formatHeapSummary, summarizeHeapSnapshot } from '../support/heap-snapshot';
import { describeMachine, machineLine, type Machine } from '../support/machine';
import { markdownTable, writeSection } from '../support/markdown';
import { BENCHMARKS_PREAMBLE } from '../support/preamble';
import { waitForQuiet } from '../support/proc';
import { countsSince, deleteTopicsUnder, Feed, pulseRound, RecordingSink, runRealTime, type RealTimeStats, type SinkCounts } from './driver';
import { BURST_EVERY, IN_PROGRESS_SHARE, MINUTE, MIX_DESCRIPTION, partitionOf, Population, ZONES, ENVIRONMENTS, type MixKind } from './population';
import { phaseMeter, profiled, Samples, settledHeap, type Distribution, type PhaseUsage } from './stats';

/**
 * `npm run bench:scheduler`: the scheduler's `DetectionEngine`, in this process, against real Kafka (test slot
 * 8, topics of each run's own), wired as the worker wires it (a `TopicProducer` as its sink, `readPartitionsToEnd`
 * as its changelog reader), with a `MonitorDirectory` filled directly instead of from Postgres and check-ins
 * and pulses handed to it as the consumer would hand them. For 100k and 1M monitor-environments: load
 * throughput, heap per monitor-environment, CPU per pulse round, detection lag from deadline to Kafka's
 * acknowledgement (a burst where 10 % fall due in one second, and the ordinary deadlines around it), and the
 * state rebuild from the changelog. Writes its section of docs/benchmarks.md and prints it.
 *
 *   --sizes 100000,1000000   monitor-environments per run
 *   --due-minutes 4          event-time minutes of the CPU measurement with deadlines falling due
 *   --lead <s>               seconds from a size's start to the burst slot (default grows with the size)
 *   --profile                V8's CPU profiler over load, the CPU stretch, the burst and the rebuild; prints
 *                            where the time goes and leaves docs/benchmarks.md alone
 *   --heap-snapshot          write a V8 heap snapshot after each load and print what it holds, by constructor;
 *                            leaves docs/benchmarks.md alone
 *   --render <file.json>     render the results an earlier run saved (its path is logged) instead of measuring
 *   --no-write               print only
 */

interface Options {
  sizes: number[];
  dueMinutes: number;
  leadSec: number | null;
  minWindowSec: number;
  batch: number;
  quietPercent: number;
  quietWaitSec: number;
  profile: boolean;
  heapSnapshot: boolean;
  /** Re-render a report saved by an earlier run instead of measuring. */
  render: string | null;
  write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? undefined : argv[index + 1];
  };
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} needs a positive number`);
    return parsed;
  };
  const sizes = (value('sizes') ?? '100000,1000000').split(',').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1000)) throw new Error('--sizes takes integers of at least 1000, comma-separated');
  const profile = argv.includes('--profile');
  const heapSnapshot = argv.includes('--heap-snapshot');
  return {
    sizes,
    dueMinutes: number('due-minutes', 4),
    leadSec: value('lead') === undefined ? null : number('lead', 1),
    minWindowSec: number('min-window', 90),
    batch: number('batch', 1000),
    quietPercent: number('quiet-percent', 20),
    quietWaitSec: number('quiet-wait', 120),
    profile,
    heapSnapshot,
    render: value('render') ?? null,
    write: !profile && !heapSnapshot && !argv.includes('--no-write'),
  };
}

const PARTITIONS = TOPICS['vigil.checkins.v1'].partitions;
const ALL_PARTITIONS = Array.from({ length: PARTITIONS }, (_, index) => index);
const SECOND = 1000;
const KB = 1024;
/** Targets of the issue. */
const HEAP_TARGET_BYTES = 1 * KB;
const LAG_TARGET_MS = 2000;
const LAG_TARGET_SIZE = 100_000;
const REBUILD_TARGET_MS = 30_000;
const REBUILD_TARGET_SIZE = 1_000_000;

function log(message: string): void {
  process.stderr.write(`[bench:scheduler ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const floorMinute = (t: number) => Math.floor(t / MINUTE) * MINUTE;
const ceilMinute = (t: number) => Math.ceil(t / MINUTE) * MINUTE;
const label = (size: number) => (size >= 1_000_000 && size % 1_000_000 === 0 ? `${size / 1_000_000}M` : size % 1000 === 0 ? `${size / 1000}k` : String(size));

interface MixRow {
  kind: MixKind;
  monitorEnvironments: number;
  inProgress: number;
}

interface HeapResult {
  baseline: number;
  /** Bytes of a registry holding every distinct schedule and settings of the population, alone. */
  sharedRegistry: number;
  /** The parsed schedules' part of it. */
  scheduleBytes: number;
  distinctSchedules: number;
  distinctSettings: number;
  afterDirectory: number;
  afterLoad: number;
  afterLag: number;
  directoryMonitors: number;
  /** Due-queue entries after the load, stale ones included. */
  queuedAfterLoad: number;
}

interface CpuStretch {
  rounds: number;
  /** Rounds in which at least one track came due. */
  busyRounds: number;
  /** CPU of the rounds with tracks due, less a quiet round's CPU each, per track due. */
  perDueTrackUs: number;
  usage: PhaseUsage;
  roundCpuUs: Distribution;
  roundWallMs: Distribution;
  counts: SinkCounts;
}

interface LagResult {
  burstSlot: number;
  burstMoved: boolean;
  burstMonitorEnvironments: number;
  /** Misses of other monitors whose deadline fell in the burst's second. */
  ordinaryInBurstSecond: number;
  burstMissed: Distribution;
  burstMissedProcessing: Distribution;
  burstLate: Distribution;
  ordinaryMissed: Distribution;
  ordinaryMissedProcessing: Distribution;
  ordinaryTimeouts: Distribution;
  ordinaryLate: Distribution;
  windowMs: number;
  complete: boolean;
  loop: RealTimeStats;
  counts: SinkCounts;
  catchUpRounds: number;
  catchUpMs: number;
  eventLoopDelayMs: { p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
  usage: PhaseUsage;
}

interface RebuildResult {
  ms: number;
  /** Due-queue entries after the rebuild, stale ones included (each stale one keeps a replaced Track alive). */
  queued: number;
  joinMs: number;
  records: number;
  tracks: number;
  heapBefore: number;
  heapAfter: number;
  usage: PhaseUsage;
  sampled: number;
  identical: number;
}

interface SizeResult {
  size: number;
  /** The rebuild from the load's changelog (one record per track: what compaction leaves). */
  rebuildAfterLoad: RebuildResult;
  options: { dueMinutes: number };
  monitors: number;
  mix: MixRow[];
  paused: number;
  twoEnvironmentMonitors: number;
  heap: HeapResult;
  load: { usage: PhaseUsage; handleMs: number; counts: SinkCounts };
  firstRound: { counts: SinkCounts; wallMs: number };
  idle: CpuStretch;
  due: CpuStretch;
  lag: LagResult;
  rebuild: RebuildResult;
  phases: Array<[string, PhaseUsage]>;
  quietBefore: number;
  topicPrefix: string;
}

/** A logger that formats every line (the cost production pays at its default level, info) and drops it. */
function engineLogger(): Logger {
  return createLogger('scheduler', 'info', { write: () => undefined });
}

/** Fingerprints of about 1,000 monitors' tracks, to compare with the rebuilt ones. */
function sampleTracks(population: Population, engine: DetectionEngine): Map<string, string> {
  const samples = new Map<string, string>();
  const every = Math.max(1, Math.floor(population.monitorCount / 1000));
  for (let m = 0; m < population.monitorCount; m += every) {
    const monitor = population.monitor(m);
    for (let e = 0; e < monitor.environments; e += 1) {
      const environment = ENVIRONMENTS[e]!;
      const key = `${monitor.id}:${environment}`;
      const track = engine.detector(partitionOf(key, PARTITIONS))?.track(monitor.id, environment);
      if (track) samples.set(key, digest(track.snapshot()));
    }
  }
  return samples;
}

/** A short fingerprint of a track's snapshot (the samples stay small in the heap being measured). */
function digest(snapshot: object): string {
  return createHash('sha1').update(JSON.stringify(snapshot)).digest('base64');
}

/**
 * The first whole minute at or after t that is 2 or 3 past a multiple of 5 minutes: then neither the burst's
 * slot nor its deadline (a minute later) coincides with a slot or a deadline (margins 1, 5, 15 or 60 min) of the
 * population's every-5 and every-15-minutes crontabs or hh:00 ones, so the burst has the same size from run to
 * run. A real top of the hour would add them.
 */
function burstMinute(t: number): number {
  let slot = ceilMinute(t);
  while ((slot / MINUTE) % 5 !== 2 && (slot / MINUTE) % 5 !== 3) slot += MINUTE;
  return slot;
}

function defaultLeadMs(size: number): number {
  return 75 * SECOND + size * 0.55;
}

function profileFile(dir: string | null, name: string): string | null {
  return dir === null ? null : join(dir, `${name}.cpuprofile`);
}

interface LoadResult {
  mix: MixRow[];
  paused: number;
  twoEnvironmentMonitors: number;
  heap: Omit<HeapResult, 'afterLag'>;
  load: SizeResult['load'];
  feed: Feed;
  samples: Map<string, string>;
  phases: Array<[string, PhaseUsage]>;
}

/**
 * The shared schedules alone, then the first engine (as the worker builds it) with a filled directory and one
 * check-in per monitor-environment: heap and load throughput. The engine is dropped when this returns.
 */
async function loadPhase(
  population: Population,
  sink: RecordingSink,
  reader: StateReader,
  eventStart: number,
  options: Options,
  profileDir: string | null,
  snapshotDir: string | null,
): Promise<LoadResult> {
  const size = population.size;
  const phases: Array<[string, PhaseUsage]> = [];
  const logger = engineLogger();

  // Shared, bounded costs: the parsed schedules and interned settings of the whole population, alone (first
  // the schedules, then the settings on top of them).
  let meter = phaseMeter();
  const before = settledHeap();
  const mix = new Map<MixKind, MixRow>();
  let paused = 0;
  let twoEnvironmentMonitors = 0;
  let schedules: ScheduleRegistry | null = new ScheduleRegistry();
  for (let m = 0; m < population.monitorCount; m += 1) {
    const monitor = population.monitor(m);
    schedules.rule(monitor.config.schedule);
    const row = mix.get(monitor.kind) ?? { kind: monitor.kind, monitorEnvironments: 0, inProgress: 0 };
    row.monitorEnvironments += monitor.environments;
    for (let e = 0; e < monitor.environments; e += 1) if (population.checkin(monitor, e, eventStart, PARTITIONS).inProgress) row.inProgress += 1;
    mix.set(monitor.kind, row);
    if (monitor.config.status === 'paused') paused += monitor.environments;
    if (monitor.environments === 2) twoEnvironmentMonitors += 1;
  }
  const scheduleBytes = settledHeap() - before;
  let scratch: MonitorSettingsRegistry | null = new MonitorSettingsRegistry(schedules);
  for (let m = 0; m < population.monitorCount; m += 1) scratch.resolve(population.monitor(m).config);
  const sharedRegistry = settledHeap() - before;
  const distinctSchedules = scratch.schedules.size;
  const distinctSettings = scratch.size;
  scratch = null;
  schedules = null;
  phases.push(['shared schedules (separate registry)', meter()]);

  // The engine as the worker builds it.
  const directory = new MonitorDirectory(logger);
  const engine = new DetectionEngine(directory, sink, reader, logger);
  await engine.restore(ALL_PARTITIONS); // empty changelog: nothing to read, as for a new deployment
  const feed = new Feed(PARTITIONS);
  const baseline = settledHeap();

  meter = phaseMeter();
  for (let m = 0; m < population.monitorCount; m += 1) directory.set(population.monitor(m));
  phases.push(['directory fill', meter()]);
  const afterDirectory = settledHeap();
  log(
    `${label(size)}: directory holds ${directory.size} monitors (${distinctSchedules} distinct schedules, ${distinctSettings} settings); loading ${size} check-ins`,
  );

  // 1. Load: one check-in per monitor-environment, in batches of `batch` per partition.
  meter = phaseMeter();
  const loadBefore = sink.snapshot();
  let handleMs = 0;
  const buckets = ALL_PARTITIONS.map(() => [] as ReturnType<Feed['message']>[]);
  const flush = async (partition: number) => {
    const items = buckets[partition]!.splice(0);
    if (items.length === 0) return;
    const started = performance.now();
    await engine.handle(items, { heartbeat: async () => undefined });
    handleMs += performance.now() - started;
  };
  await profiled(profileFile(profileDir, `${label(size)}-load`), async () => {
    for (let m = 0; m < population.monitorCount; m += 1) {
      const monitor = population.monitor(m);
      for (let e = 0; e < monitor.environments; e += 1) {
        const checkin = population.checkin(monitor, e, eventStart, PARTITIONS);
        const bucket = buckets[checkin.partition]!;
        bucket.push(feed.message(checkin.partition, checkin.key, checkin.payload));
        if (bucket.length >= options.batch) await flush(checkin.partition);
      }
    }
    for (const partition of ALL_PARTITIONS) await flush(partition);
  });
  const loadUsage = meter();
  phases.push(['load', loadUsage]);
  const load = { usage: loadUsage, handleMs, counts: countsSince(loadBefore, sink.snapshot()) };
  if (engine.trackCount !== size) throw new Error(`after the load the engine holds ${engine.trackCount} tracks, expected ${size}`);
  const afterLoad = settledHeap();
  let queuedAfterLoad = 0;
  for (const partition of ALL_PARTITIONS) queuedAfterLoad += engine.detector(partition)?.queuedCount ?? 0;
  if (snapshotDir !== null) {
    const file = writeHeapSnapshot(join(snapshotDir, `${label(size)}-after-load.heapsnapshot`));
    log(`${label(size)}: heap snapshot ${file}`);
  }
  log(
    `${label(size)}: loaded in ${(loadUsage.wallMs / 1000).toFixed(1)} s (${Math.round(size / (handleMs / 1000))}/s in engine.handle); heap ${((afterLoad - baseline) / size).toFixed(0)} B per monitor-environment`,
  );

  return {
    mix: [...mix.values()],
    paused,
    twoEnvironmentMonitors,
    heap: {
      baseline,
      sharedRegistry,
      scheduleBytes,
      distinctSchedules,
      distinctSettings,
      afterDirectory,
      afterLoad,
      directoryMonitors: directory.size,
      queuedAfterLoad,
    },
    load,
    feed,
    samples: sampleTracks(population, engine),
    phases,
  };
}

interface LiveResult {
  firstRound: SizeResult['firstRound'];
  idle: CpuStretch;
  due: CpuStretch;
  lag: LagResult;
  afterLag: number;
  samples: Map<string, string>;
  phases: Array<[string, PhaseUsage]>;
}

/**
 * CPU per pulse round and detection lag, with the engine rebuilt from the load's changelog (a restart between
 * the load and the rest: the rest also shows the restored state works).
 */
async function livePhases(
  population: Population,
  config: VigilConfig,
  sink: RecordingSink,
  engine: DetectionEngine,
  directory: MonitorDirectory,
  feed: Feed,
  eventStart: number,
  options: Options,
  profileDir: string | null,
): Promise<LiveResult> {
  const size = population.size;
  const phases: Array<[string, PhaseUsage]> = [];
  let meter = phaseMeter();
  // 3. CPU per pulse round, in event time as fast as the engine goes: first the round at the load's minute,
  // then a minute in which nothing falls due, then `dueMinutes` minutes with the population's deadlines.
  const counts = sink.snapshot();
  const started = performance.now();
  await pulseRound(engine, feed, eventStart);
  const firstRound = { counts: countsSince(counts, sink.snapshot()), wallMs: performance.now() - started };
  const stretch = async (from: number, rounds: number, step: number): Promise<CpuStretch> => {
    const cpuSamples = new Samples();
    const wallSamples = new Samples();
    const quietRounds = new Samples();
    let busyCpuUs = 0;
    let busyRounds = 0;
    const countsBefore = sink.snapshot();
    const stretchMeter = phaseMeter();
    for (let k = 0; k < rounds; k += 1) {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      const tracksBefore = sink.counts.trackSnapshots;
      await pulseRound(engine, feed, from + k * step);
      const used = process.cpuUsage(cpu);
      const cpuUs = used.user + used.system;
      cpuSamples.push(cpuUs);
      wallSamples.push(performance.now() - wall);
      if (sink.counts.trackSnapshots > tracksBefore) {
        busyCpuUs += cpuUs;
        busyRounds += 1;
      } else {
        quietRounds.push(cpuUs);
      }
    }
    const counts = countsSince(countsBefore, sink.snapshot());
    // A round's fixed cost (12 batches, 12 position records) is the median of the rounds with nothing due.
    const fixed = quietRounds.count > 0 ? quietRounds.summary().p50 : 0;
    const perDueTrackUs = counts.trackSnapshots > 0 ? (busyCpuUs - busyRounds * fixed) / counts.trackSnapshots : Number.NaN;
    return { rounds, busyRounds, perDueTrackUs, usage: stretchMeter(), roundCpuUs: cpuSamples.summary(), roundWallMs: wallSamples.summary(), counts };
  };
  const pulseMs = config.VIGIL_SCHEDULER_PULSE_MS;
  const lagMs = config.VIGIL_SCHEDULER_PULSE_LAG_MS;
  const idle = await stretch(eventStart + pulseMs, MINUTE / pulseMs - 1, pulseMs);
  phases.push(['CPU: a minute with nothing due', idle.usage]);
  log(`${label(size)}: idle rounds ${idle.roundCpuUs.p50.toFixed(0)} µs CPU (p50), ${idle.counts.trackSnapshots} tracks due`);
  const due = await profiled(profileFile(profileDir, `${label(size)}-due-stretch`), () =>
    stretch(eventStart + MINUTE, (options.dueMinutes * MINUTE) / pulseMs, pulseMs),
  );
  phases.push([`CPU: ${options.dueMinutes} min of deadlines`, due.usage]);
  log(
    `${label(size)}: ${options.dueMinutes} min of event time: ${due.counts.trackSnapshots} tracks due, ${due.counts.events} events, ${(due.usage.cpuMs / 1000).toFixed(1)} s CPU`,
  );

  // 4. Detection lag in real time. Catch up to the wall clock first (not measured), then pulse like the worker.
  meter = phaseMeter();
  let catchUpRounds = 0;
  let clock = eventStart + MINUTE + options.dueMinutes * MINUTE - pulseMs;
  const catchUpStarted = performance.now();
  for (;;) {
    const at = Date.now() - lagMs;
    if (at - clock <= pulseMs) break;
    await pulseRound(engine, feed, at);
    clock = at;
    catchUpRounds += 1;
  }
  let burstMoved = false;
  if (clock > population.burstSlot - 20 * SECOND) {
    // The phases before took longer than the lead allowed: move the burst to a minute still ahead, the way a
    // configuration change reaches the engine (directory, then monitorChanged).
    const slot = burstMinute(Date.now() + 45 * SECOND);
    log(
      `${label(size)}: the burst slot ${new Date(population.burstSlot).toISOString()} is too close; moving it to ${new Date(slot).toISOString()} (raise --lead)`,
    );
    population.moveBurst(slot);
    for (let m = BURST_EVERY - 1; m < population.monitorCount; m += BURST_EVERY) {
      const monitor = population.monitor(m);
      directory.set(monitor);
      engine.monitorChanged(monitor.id);
    }
    await pulseRound(engine, feed, Date.now() - lagMs);
    catchUpRounds += 1;
    burstMoved = true;
  }
  const catchUpMs = performance.now() - catchUpStarted;
  const lagStart = Date.now() - lagMs;
  const burstSettings: MonitorSettings = directory.registry.resolve(population.burstConfig());
  const burstDeadline = population.burstSlot + burstSettings.marginMs;
  let burstMonitorEnvironments = 0;
  for (let m = BURST_EVERY - 1; m < population.monitorCount; m += BURST_EVERY) burstMonitorEnvironments += population.monitor(m).environments;

  const burstMissed = new Samples();
  const burstMissedProcessing = new Samples();
  const burstLate = new Samples();
  const ordinaryMissed = new Samples();
  let ordinaryInBurstSecond = 0;
  const ordinaryMissedProcessing = new Samples();
  const ordinaryTimeouts = new Samples();
  const ordinaryLate = new Samples();
  sink.listener = (message, ackedAt) => {
    if (message.topic === 'vigil.monitor-events.v1') {
      const event = message.payload;
      const settings = directory.settings(event.monitor_id);
      if (!settings) return;
      let dueAt: number;
      if (event.kind === 'missed') {
        dueAt = event.slot + settings.marginMs;
      } else {
        const key = `${event.monitor_id}:${event.environment}`;
        const run = engine
          .detector(partitionOf(key, PARTITIONS))
          ?.track(event.monitor_id, event.environment)
          ?.openRuns.find((open) => open.checkinId === event.checkin_id);
        if (!run) return;
        dueAt = run.startedAt + settings.timeoutMs;
      }
      if (dueAt <= lagStart) return;
      const processing = ackedAt - (event.emitted_at + lagMs);
      if (event.kind === 'timeout') {
        ordinaryTimeouts.push(ackedAt - dueAt);
      } else if (settings === burstSettings) {
        burstMissed.push(ackedAt - dueAt);
        burstMissedProcessing.push(processing);
      } else {
        if (dueAt === burstDeadline) ordinaryInBurstSecond += 1;
        ordinaryMissed.push(ackedAt - dueAt);
        ordinaryMissedProcessing.push(processing);
      }
    } else if (message.payload.to === 'late') {
      // A track goes late at its slot; every slot of this population is a whole minute.
      const slot = floorMinute(message.payload.at);
      if (slot <= lagStart) return;
      const settings = directory.settings(message.payload.monitor_id);
      (settings === burstSettings ? burstLate : ordinaryLate).push(ackedAt - slot);
    }
  };
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const windowStarted = Date.now();
  const hardStop = burstDeadline + 180 * SECOND;
  const countsBeforeLag = sink.snapshot();
  log(
    `${label(size)}: real time from ${new Date(lagStart).toISOString()}: ${burstMonitorEnvironments} monitor-environments go late at ${new Date(population.burstSlot).toISOString()} and are missed at ${new Date(burstDeadline).toISOString()}`,
  );
  const loop = await profiled(profileFile(profileDir, `${label(size)}-real-time`), () =>
    runRealTime(engine, feed, pulseMs, lagMs, () => {
      const now = Date.now();
      if (now > hardStop) return true;
      return now >= burstDeadline + lagMs + 5 * SECOND && now >= windowStarted + options.minWindowSec * SECOND && burstMissed.count >= burstMonitorEnvironments;
    }),
  );
  delay.disable();
  observer.disconnect();
  sink.listener = null;
  const lagUsage = meter();
  phases.push(['real time (catch-up, window)', lagUsage]);
  const lag: LagResult = {
    burstSlot: population.burstSlot,
    burstMoved,
    burstMonitorEnvironments,
    ordinaryInBurstSecond,
    burstMissed: burstMissed.summary(),
    burstMissedProcessing: burstMissedProcessing.summary(),
    burstLate: burstLate.summary(),
    ordinaryMissed: ordinaryMissed.summary(),
    ordinaryMissedProcessing: ordinaryMissedProcessing.summary(),
    ordinaryTimeouts: ordinaryTimeouts.summary(),
    ordinaryLate: ordinaryLate.summary(),
    windowMs: Date.now() - windowStarted,
    complete: burstMissed.count >= burstMonitorEnvironments,
    loop,
    counts: countsSince(countsBeforeLag, sink.snapshot()),
    catchUpRounds,
    catchUpMs,
    eventLoopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
    gc,
    usage: lagUsage,
  };
  log(
    `${label(size)}: burst missed p50 ${fmtSeconds(lag.burstMissed.p50)} p99 ${fmtSeconds(lag.burstMissed.p99)} max ${fmtSeconds(lag.burstMissed.max)} (${lag.burstMissed.count}/${burstMonitorEnvironments}); ordinary missed p99 ${fmtSeconds(lag.ordinaryMissed.p99)} (${lag.ordinaryMissed.count})`,
  );

  const afterLag = settledHeap();
  return { firstRound, idle, due, lag, afterLag, samples: sampleTracks(population, engine), phases };
}

type ReadChangelog = (partitions: readonly number[], onRecord: Parameters<StateReader>[1], heartbeat: () => Promise<void>) => Promise<number>;

/** A restart: a new directory with the same monitors, new detectors, every partition read back from the changelog. */
async function measureRebuild(
  population: Population,
  sink: RecordingSink,
  readChangelog: ReadChangelog,
  samples: Map<string, string>,
  name: string,
  profileDir: string | null,
  snapshotDir: string | null,
): Promise<{ rebuild: RebuildResult; phase: PhaseUsage; engine: DetectionEngine; directory: MonitorDirectory }> {
  const logger = engineLogger();
  const directory = new MonitorDirectory(logger);
  for (let m = 0; m < population.monitorCount; m += 1) directory.set(population.monitor(m));
  let records = 0;
  let firstRecordAt = Number.NaN;
  const reader: StateReader = async (partitions, onRecord, heartbeat) => {
    records = await readChangelog(
      partitions,
      (record) => {
        if (Number.isNaN(firstRecordAt)) firstRecordAt = performance.now();
        onRecord(record);
      },
      heartbeat,
    );
    return records;
  };
  const engine = new DetectionEngine(directory, sink, reader, logger);
  const heapBefore = settledHeap();
  const meter = phaseMeter();
  const started = performance.now();
  await profiled(profileFile(profileDir, `${label(population.size)}-${name}`), () => engine.restore(ALL_PARTITIONS));
  const ms = performance.now() - started;
  const usage = meter();
  const heapAfter = settledHeap();
  if (snapshotDir !== null)
    log(`${label(population.size)}: heap snapshot ${writeHeapSnapshot(join(snapshotDir, `${label(population.size)}-after-${name}.heapsnapshot`))}`);
  let identical = 0;
  for (const [key, snapshot] of samples) {
    const [monitorId, environment] = [key.slice(0, 36), key.slice(37)];
    const track = engine.detector(partitionOf(key, PARTITIONS))?.track(monitorId, environment);
    if (track && digest(track.snapshot()) === snapshot) identical += 1;
  }
  let queued = 0;
  for (const partition of ALL_PARTITIONS) queued += engine.detector(partition)?.queuedCount ?? 0;
  return {
    rebuild: {
      ms,
      queued,
      joinMs: firstRecordAt - started,
      records,
      tracks: engine.trackCount,
      heapBefore,
      heapAfter,
      usage,
      sampled: samples.size,
      identical,
    },
    phase: usage,
    engine,
    directory,
  };
}

/**
 * A restart after the load (the rebuild from one record per track), then the CPU and real-time phases on the
 * restored engine. Only results leave: the engine is garbage once this returns.
 */
async function restartAndRun(
  population: Population,
  config: VigilConfig,
  sink: RecordingSink,
  readChangelog: ReadChangelog,
  loaded: LoadResult,
  eventStart: number,
  options: Options,
  profileDir: string | null,
): Promise<{ restarted: { rebuild: RebuildResult; phase: PhaseUsage }; live: LiveResult }> {
  const size = population.size;
  log(`${label(size)}: restart: rebuilding from the load's changelog`);
  const { rebuild, phase, engine, directory } = await measureRebuild(population, sink, readChangelog, loaded.samples, 'rebuild-after-load', profileDir, null);
  log(`${label(size)}: rebuilt ${rebuild.tracks} tracks from ${rebuild.records} records in ${(rebuild.ms / 1000).toFixed(1)} s`);
  const live = await livePhases(population, config, sink, engine, directory, loaded.feed, eventStart, options, profileDir);
  return { restarted: { rebuild, phase }, live };
}

async function runSize(size: number, options: Options, profileDir: string | null, snapshotDir: string | null): Promise<SizeResult> {
  const quietBefore = await waitForQuiet(options.quietPercent, options.quietWaitSec * 1000);
  if (quietBefore > options.quietPercent)
    log(`the machine is still ${quietBefore.toFixed(0)} % busy with other work after ${options.quietWaitSec} s; measuring anyway`);
  const startedAt = Date.now();
  // Event time of the load's check-ins; the CPU stretch then covers [eventStart, eventStart + 1 + dueMinutes
  // min], which ends before the wall clock, so real-time pulses continue from there.
  const eventStart = floorMinute(startedAt) - (options.dueMinutes + 2) * MINUTE;
  const burstSlot = burstMinute(startedAt + (options.leadSec === null ? defaultLeadMs(size) : options.leadSec * SECOND));
  const population = new Population(size, burstSlot);

  const base = testConfig();
  const runPrefix = `${base.VIGIL_KAFKA_TOPIC_PREFIX}bench-sched-${label(size)}-${startedAt}.`;
  const config = testConfig({ VIGIL_KAFKA_TOPIC_PREFIX: runPrefix });
  const kafkaLogger = createLogger('bench-scheduler', 'warn');
  const kafka = createKafkaClient(config, 'vigil-bench-scheduler', kafkaLogger);
  log(`${label(size)}: topics ${runPrefix}*, burst slot ${new Date(burstSlot).toISOString()}`);
  await ensureTopics(kafka, runPrefix);
  const producer = new TopicProducer(kafkaConnection(config, 'vigil-bench-scheduler'), kafkaLogger, {
    prefix: runPrefix,
    lingerMs: config.VIGIL_KAFKA_LINGER_MS,
  });
  await producer.connect();
  // Per-process costs (time zone tables, the contracts' compiled validators) are not per monitor.
  const warm = new ScheduleRegistry();
  for (const zone of ZONES) warm.rule({ type: 'crontab', value: '0 0 * * *', timezone: zone }).nextAfter(startedAt, Number.NaN);
  const sink = new RecordingSink(producer);
  const readChangelog: ReadChangelog = (partitions, onRecord, heartbeat) =>
    readPartitionsToEnd(kafka, kafkaLogger, { topic: 'vigil.scheduler-state.v1', prefix: runPrefix, partitions, onRecord, heartbeat });
  try {
    const loaded = await loadPhase(population, sink, readChangelog, eventStart, options, profileDir, snapshotDir);
    const { restarted, live } = await restartAndRun(population, config, sink, readChangelog, loaded, eventStart, options, profileDir);
    log(`${label(size)}: restart: rebuilding from the whole changelog`);
    const final = await measureRebuild(population, sink, readChangelog, live.samples, 'rebuild', profileDir, snapshotDir);
    log(`${label(size)}: rebuilt ${final.rebuild.tracks} tracks from ${final.rebuild.records} records in ${(final.rebuild.ms / 1000).toFixed(1)} s`);
    return {
      size,
      options: { dueMinutes: options.dueMinutes },
      monitors: population.monitorCount,
      mix: loaded.mix,
      paused: loaded.paused,
      twoEnvironmentMonitors: loaded.twoEnvironmentMonitors,
      heap: { ...loaded.heap, afterLag: live.afterLag },
      load: loaded.load,
      firstRound: live.firstRound,
      idle: live.idle,
      due: live.due,
      lag: live.lag,
      rebuildAfterLoad: restarted.rebuild,
      rebuild: final.rebuild,
      phases: [...loaded.phases, ["rebuild from the load's changelog", restarted.phase], ...live.phases, ['rebuild from the whole changelog', final.phase]],
      quietBefore,
      topicPrefix: runPrefix,
    };
  } finally {
    await producer.close().catch((error: unknown) => log(`producer did not close cleanly: ${String(error)}`));
    const deleted = await deleteTopicsUnder(kafka, runPrefix).catch((error: unknown) => {
      log(`could not delete the topics ${runPrefix}*: ${String(error)}`);
      return [];
    });
    log(`${label(size)}: deleted ${deleted.length} topics`);
  }
}

const fmt = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const fmtSeconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const fmtBytes = (bytes: number) => `${fmt(bytes)} B`;
const ratio = (measured: number, target: number) => (Number.isFinite(measured) ? fmt(measured / target, 2) : 'n/a');
const verdict = (measured: number, target: number) =>
  !Number.isFinite(measured) ? 'n/a' : measured <= target ? `${ratio(measured, target)} (met)` : `**${ratio(measured, target)} (missed)**`;
const dist = (d: Distribution) => (d.count === 0 ? 'none in the window' : `${fmtSeconds(d.p50)} / ${fmtSeconds(d.p99)} / ${fmtSeconds(d.max)}`);

function sizeTable(r: SizeResult, options: Options): string {
  const n = r.size;
  const heap = r.heap;
  const perMe = (bytes: number) => bytes / n;
  const loadHeap = perMe(heap.afterLoad - heap.baseline);
  const lagHeap = perMe(heap.afterLag - heap.baseline);
  const rebuildHeap = perMe(r.rebuild.heapAfter - heap.baseline);
  const dueTracks = r.due.counts.trackSnapshots;
  const marginalPerDue = r.due.perDueTrackUs;
  const lagTarget = n === LAG_TARGET_SIZE;
  const rebuildTarget = n === REBUILD_TARGET_SIZE;
  const rows: string[][] = [
    [
      'heap per monitor-environment after the load (directory + tracks + shared schedules)',
      fmtBytes(loadHeap),
      `≤ ${fmtBytes(HEAP_TARGET_BYTES)}`,
      verdict(loadHeap, HEAP_TARGET_BYTES),
    ],
    [`… of which the directory (${fmt(heap.directoryMonitors)} monitors, their settings)`, fmtBytes(perMe(heap.afterDirectory - heap.baseline)), '', ''],
    [
      `… of which shared schedules and settings, inside the directory's share (${fmt(heap.distinctSchedules)} parsed schedules at ${fmt(heap.scheduleBytes / heap.distinctSchedules)} B each, ${fmt(heap.distinctSettings)} settings at ${fmt((heap.sharedRegistry - heap.scheduleBytes) / heap.distinctSettings)} B each)`,
      fmtBytes(perMe(heap.sharedRegistry)),
      '',
      '',
    ],
    ['… of which the detectors (handles, tracks, open runs, due queue)', fmtBytes(perMe(heap.afterLoad - heap.afterDirectory)), '', ''],
    ['heap per monitor-environment after the real-time phase', fmtBytes(lagHeap), `≤ ${fmtBytes(HEAP_TARGET_BYTES)}`, verdict(lagHeap, HEAP_TARGET_BYTES)],
    [
      "heap per monitor-environment after the rebuild from the load's changelog (new directory + restored tracks)",
      fmtBytes(perMe(r.rebuildAfterLoad.heapAfter - heap.baseline)),
      `≤ ${fmtBytes(HEAP_TARGET_BYTES)}`,
      verdict(perMe(r.rebuildAfterLoad.heapAfter - heap.baseline), HEAP_TARGET_BYTES),
    ],
    [
      'heap per monitor-environment after the rebuild from the whole changelog',
      fmtBytes(rebuildHeap),
      `≤ ${fmtBytes(HEAP_TARGET_BYTES)}`,
      verdict(rebuildHeap, HEAP_TARGET_BYTES),
    ],
    [
      'due-queue entries after the load / after the rebuild from the whole changelog (stale entries keep replaced tracks alive)',
      `${fmt(heap.queuedAfterLoad)} / ${fmt(r.rebuild.queued)}`,
      '',
      '',
    ],
    [
      `load: check-ins per second through \`engine.handle\` (${fmt(options.batch)} per batch; each also publishes a state change and a changelog record, acknowledged)`,
      `${fmt(n / (r.load.handleMs / 1000))}/s`,
      '',
      '',
    ],
    [
      'CPU per pulse round (12 pulses, 12 position records acknowledged), nothing due: p50 / p99',
      `${fmt(r.idle.roundCpuUs.p50)} / ${fmt(r.idle.roundCpuUs.p99)} µs`,
      '',
      '',
    ],
    ['wall time per pulse round, nothing due: p50 / p99', `${fmt(r.idle.roundWallMs.p50, 1)} / ${fmt(r.idle.roundWallMs.p99, 1)} ms`, '', ''],
    [
      `CPU per pulse round over ${options.dueMinutes} min of event time (${fmt(dueTracks)} tracks due, ${fmt(dueTracks / options.dueMinutes)} a minute): mean / max`,
      `${fmt((r.due.usage.cpuMs * 1000) / r.due.rounds)} / ${fmt(r.due.roundCpuUs.max)} µs`,
      '',
      '',
    ],
    [
      `CPU per due track (evaluation, its event or state change, its changelog record, all acknowledged; ${fmt(r.due.busyRounds)} rounds had tracks due, less a quiet round's CPU each)`,
      `${fmt(marginalPerDue, 1)} µs`,
      '',
      '',
    ],
    [
      `events and state changes published in those ${options.dueMinutes} min`,
      `${fmt(r.due.counts.events)} events, ${fmt(r.due.counts.states)} state changes`,
      '',
      '',
    ],
    [
      `detection lag, burst: ${fmt(r.lag.burstMonitorEnvironments)} monitor-environments (${fmt((r.lag.burstMonitorEnvironments / n) * 100, 1)} %) missed in the same second (with ${fmt(r.lag.ordinaryInBurstSecond)} ordinary misses): p50 / p99 / max`,
      dist(r.lag.burstMissed),
      lagTarget ? 'p99 < 2 s' : '(target at 100k)',
      lagTarget ? verdict(r.lag.burstMissed.p99, LAG_TARGET_MS) : '',
    ],
    ['… of which after the pulse was written (processing and Kafka; the rest is the pulse lag): p50 / p99 / max', dist(r.lag.burstMissedProcessing), '', ''],
    [
      `detection lag, ordinary deadlines in the window (${fmt(r.lag.ordinaryMissed.count)} misses): p50 / p99 / max`,
      dist(r.lag.ordinaryMissed),
      lagTarget ? 'p99 < 2 s' : '(target at 100k)',
      lagTarget ? verdict(r.lag.ordinaryMissed.p99, LAG_TARGET_MS) : '',
    ],
    ['… of which after the pulse was written: p50 / p99 / max', dist(r.lag.ordinaryMissedProcessing), '', ''],
    [`timeouts in the window (${fmt(r.lag.ordinaryTimeouts.count)}), deadline to ack: p50 / p99 / max`, dist(r.lag.ordinaryTimeouts), '', ''],
    [`\`late\` state changes at the burst slot (${fmt(r.lag.burstLate.count)}), slot to ack: p50 / p99 / max`, dist(r.lag.burstLate), '', ''],
    [`\`late\` state changes at ordinary slots (${fmt(r.lag.ordinaryLate.count)}), slot to ack: p50 / p99 / max`, dist(r.lag.ordinaryLate), '', ''],
    ...rebuildRows(r.rebuildAfterLoad, `rebuild from the load's changelog (${fmt(n)} track records + positions: what compaction leaves)`, rebuildTarget),
    ...rebuildRows(r.rebuild, 'rebuild from the whole changelog at the end (uncompacted: every change of the run)', rebuildTarget),
  ];
  return markdownTable([{ title: 'metric' }, { title: 'measured', align: 'right' }, { title: 'target' }, { title: 'ratio to target' }], rows);
}

function rebuildRows(rb: RebuildResult, title: string, withTarget: boolean): string[][] {
  const target = withTarget ? '< 30 s' : '(target at 1M)';
  const rows: string[][] = [];
  rows.push(
    [
      `${title}: 12 partitions, ${fmt(rb.records)} records (${fmt(rb.records / (rb.ms / 1000))}/s)`,
      fmtSeconds(rb.ms),
      target,
      withTarget ? verdict(rb.ms, REBUILD_TARGET_MS) : '',
    ],
    [
      '… until the first record (admin look-up, group join) / CPU of this process (all threads)',
      `${fmtSeconds(rb.joinMs)} / ${fmtSeconds(rb.usage.cpuMs)} (${fmt((rb.usage.cpuMs / rb.ms) * 100)} % of a core)`,
      '',
      '',
    ],
    [
      '… tracks restored; sampled tracks identical to before; due-queue entries (stale included)',
      `${fmt(rb.tracks)}; ${fmt(rb.identical)} of ${fmt(rb.sampled)}; ${fmt(rb.queued)}`,
      '',
      '',
    ],
  );
  return rows;
}

function phaseTable(r: SizeResult): string {
  return markdownTable(
    [
      { title: 'phase' },
      { title: 'wall', align: 'right' },
      { title: 'CPU of this process', align: 'right' },
      { title: 'machine CPU (all processes, 2 cores = 100 %)', align: 'right' },
      { title: 'load average at start', align: 'right' },
    ],
    r.phases.map(([name, usage]) => [name, fmtSeconds(usage.wallMs), fmtSeconds(usage.cpuMs), `${fmt(usage.machinePercent)} %`, fmt(usage.loadAtStart, 2)]),
  );
}

function mixTable(r: SizeResult): string {
  const notes = new Map(MIX_DESCRIPTION);
  const rows = [...r.mix].sort((a, b) => b.monitorEnvironments - a.monitorEnvironments);
  return markdownTable(
    [
      { title: 'schedule' },
      { title: 'monitor-environments', align: 'right' },
      { title: 'share', align: 'right' },
      { title: 'open runs', align: 'right' },
      { title: 'how' },
    ],
    rows.map((row) => [
      row.kind,
      fmt(row.monitorEnvironments),
      `${fmt((row.monitorEnvironments / r.size) * 100, 1)} %`,
      fmt(row.inProgress),
      notes.get(row.kind) ?? '',
    ]),
  );
}

function analysis(results: readonly SizeResult[], pulseMs: number, lagMs: number): string {
  const lines: string[] = [];
  for (const r of results) {
    const n = r.size;
    const heap = r.heap;
    const load = (heap.afterLoad - heap.baseline) / n;
    const detectors = (heap.afterLoad - heap.afterDirectory) / n;
    const directory = (heap.afterDirectory - heap.baseline) / n;
    const shared = heap.sharedRegistry / n;
    const perDue = r.due.perDueTrackUs;
    const burstDue = r.lag.burstMonitorEnvironments + r.lag.ordinaryInBurstSecond;
    const burstWork = (burstDue * perDue) / 1e6;
    const perRecordUs = ((r.rebuild.ms - r.rebuild.joinMs) * 1000) / r.rebuild.records;
    const compact = r.rebuildAfterLoad;
    const compactPerRecordUs = ((compact.ms - compact.joinMs) * 1000) / compact.records;
    const duePerMinute = r.due.counts.trackSnapshots / r.options.dueMinutes;
    const positionsPerHour = (PARTITIONS * 3_600_000) / pulseMs;
    const head = duePerMinute * 60 + positionsPerHour;
    const stale = r.rebuild.queued - r.rebuild.tracks;
    lines.push(
      `- **${label(n)}, heap.** ${fmt(load)} B per monitor-environment: ${fmt(detectors)} B in the detectors (handles, tracks, open runs, due queue) and ${fmt(directory)} B in the directory, ` +
        `${fmt(shared)} B of which are the ${fmt(heap.distinctSchedules)} parsed schedules (${fmt(heap.scheduleBytes / heap.distinctSchedules)} B each) and ${fmt(heap.distinctSettings)} interned settings: ` +
        `bounded by the distinct configurations, not by N, so ${n < 1_000_000 ? 'they weigh more per monitor-environment at this size' : 'they matter little at this size'}. ` +
        `After the rebuild the heap is ${fmt((r.rebuild.heapAfter - heap.baseline) / n)} B per monitor-environment: the due queue holds ${fmt(r.rebuild.queued)} entries for ${fmt(r.rebuild.tracks)} tracks, ` +
        `${fmt(stale)} of them stale, each keeping a replaced \`Track\` alive until its due time (every changelog record of a track read after its first one replaces it and queues the new one).`,
      `- **${label(n)}, CPU and lag.** A round of 12 pulses with nothing due costs ${fmt(r.idle.roundCpuUs.p50)} µs of CPU (p50), almost all of it the 12 position records and their Kafka round trips; ` +
        `a track that comes due costs about ${fmt(perDue)} µs end to end (its \`missed\` event or state change, its changelog record, JSON Schema checks, the producer's encoding, the \`info\` log line, GC). ` +
        `The burst second held ${fmt(burstDue)} due tracks (${fmt(r.lag.burstMonitorEnvironments)} burst, ${fmt(r.lag.ordinaryInBurstSecond)} ordinary): about ${fmt(burstWork, 1)} s of one core, ` +
        `on top of the ${fmt(lagMs)} ms pulse lag and up to ${fmt(pulseMs)} ms until the next pulse; the 12 partitions are handled concurrently on one thread, so their evaluation shares one core ` +
        `and their messages share the producer's requests. Burst p99 ${fmtSeconds(r.lag.burstMissed.p99)}, ${fmtSeconds(r.lag.burstMissedProcessing.p99)} of it after the pulse was written.`,
      `- **${label(n)}, rebuild.** ` +
        `The rebuild from one record per track took ${fmtSeconds(compact.ms)}: ${fmtSeconds(compact.joinMs)} until the first record (admin look-up, group join), then ${fmt(compact.records)} records at ${fmt(compactPerRecordUs, 1)} µs each ` +
        `with ${fmt((compact.usage.cpuMs / compact.ms) * 100)} % of a core busy (GC threads included): CPU-bound (JSON.parse and the JSON Schema check of every record, kafkajs decoding, \`Track.restore\`, the due queue, GC). ` +
        `From the whole uncompacted changelog (${fmt(r.rebuild.records)} records) it took ${fmtSeconds(r.rebuild.ms)} (${fmt(perRecordUs, 1)} µs a record). ` +
        `In production the head of the changelog is never compacted (\`segment.ms\` 1 h): with this population's ${fmt(duePerMinute)} due tracks a minute and ${fmt(positionsPerHour)} position records an hour ` +
        `it grows by about ${fmt(head)} records an hour before any check-in is counted (every check-in writes one too), about ${fmt((head * compactPerRecordUs) / 1e6, 1)} s more at the compacted rate.`,
    );
  }
  return lines.join('\n');
}

interface Report {
  machine: Machine;
  date: string;
  options: Options;
  results: SizeResult[];
  pulseMs: number;
  lagMs: number;
  lingerMs: number;
}

function renderReport(report: Report): string {
  const { options, results } = report;
  const sections: string[] = [];
  for (const r of results) {
    const burst = new Date(r.lag.burstSlot).toISOString().slice(11, 16);
    sections.push(
      `### ${label(r.size)} monitor-environments (${fmt(r.monitors)} monitors)`,
      '',
      sizeTable(r, options),
      '',
      `Burst: the ${fmt(r.lag.burstMonitorEnvironments)} burst monitor-environments went \`late\` at ${burst} UTC and were missed at ${burst} + 1 min${r.lag.burstMoved ? ' (the burst was moved to a later minute by a configuration change, because the earlier phases outran the lead)' : ''}; ` +
        `${r.lag.complete ? 'every one of their misses was acknowledged' : `**only ${fmt(r.lag.burstMissed.count)} of their misses were acknowledged before the bench gave up**`}. ` +
        `Real-time window ${fmtSeconds(r.lag.windowMs)} after ${fmt(r.lag.catchUpRounds)} catch-up rounds (${fmtSeconds(r.lag.catchUpMs)}, not measured); ${fmt(r.lag.loop.rounds)} pulse rounds, ` +
        `${fmt(r.lag.loop.coalescedPulses)} pulses arrived behind another in one batch, longest batch ${fmt(r.lag.loop.maxBatchMs)} ms, longest wait of a pulse for its batch ${fmt(r.lag.loop.maxPulseWaitMs)} ms; ` +
        `event-loop delay p99 ${fmt(r.lag.eventLoopDelayMs.p99)} ms, max ${fmt(r.lag.eventLoopDelayMs.max)} ms; ${fmt(r.lag.gc.count)} GC pauses, ${fmt(r.lag.gc.totalMs)} ms in all, longest ${fmt(r.lag.gc.maxMs)} ms. ` +
        `In the window: ${fmt(r.lag.counts.events)} monitor events, ${fmt(r.lag.counts.states)} state changes, ${fmt(r.lag.counts.trackSnapshots)} changelog records.`,
      '',
      `Machine use per phase (before the size started the bench waited for the machine to be at most ${options.quietPercent} % busy: ${fmt(r.quietBefore)} %):`,
      '',
      phaseTable(r),
      '',
    );
  }
  const first = results[0];
  const mix = first
    ? [
        `### Population`,
        '',
        `Generated deterministically (monitor m from a PRNG seeded with m). ${fmt(IN_PROGRESS_SHARE * 100)} % of the check-ins start a run that stays open (\`in_progress\`); ` +
          `20 % of the monitors have a second environment (\`staging\`); time zones ${ZONES.join(', ')} (UTC 40 %, the others 12 % each); margins default (1 min) for half the crontab monitors, else 1, 5, 15 or 60 min; ` +
          `max runtime default (30 min) for half, else 10, 60 or 240 min. Check-ins are received 1 to 50 s before the load's minute and credited to their slot; after that no monitor checks in again, ` +
          `so every slot that comes due during the bench is missed (the worst case for the CPU and lag phases: in production most of those tracks would only go \`late\` or nothing at all). ` +
          `Monitor-environments are spread over the 12 partitions by FNV-1a of their key (Kafka's producer would use murmur2; only the spread matters). Mix at ${label(first.size)}:`,
        '',
        mixTable(first),
        '',
      ]
    : [];
  return [
    '## Scheduler: `npm run bench:scheduler`',
    '',
    `Measured ${report.date} on ${machineLine(report.machine)}.`,
    '',
    "The scheduler's `DetectionEngine` runs in the bench's own process, wired as `DetectionWorker` wires it: a `TopicProducer` " +
      `(linger ${report.lingerMs} ms, as configured) as its sink, \`readPartitionsToEnd\` as its changelog reader, real Kafka on this machine (test slot 8, topics under a prefix of each run's own, deleted afterwards). ` +
      'The monitor directory is filled directly instead of from Postgres; check-ins and pulses are handed to `engine.handle` as the consumer would hand them (one partition per batch, consecutive offsets; in the CPU phases partitions one after the other, in real time all 12 concurrently as the worker consumes them), without the consumer itself: the fetch of each batch and its offset commit (a round trip per batch) are not included, nor is the write of the pulses to Kafka. ' +
      'The engine logs at `info`, formatted and discarded. Node runs with `--max-old-space-size=6144`.',
    '',
    '- **Heap**: `heapUsed` after two full GCs, with the engine, directory and tracks, minus the same before the directory was filled, divided by the number of monitor-environments. ' +
      'The shared schedules are measured apart, in a registry of their own.',
    `- **CPU per tick**: pulse rounds (a pulse into each of the 12 partitions) in event time as fast as the engine goes, \`process.cpuUsage\` around each round: first a minute in which nothing falls due (all the population's deadlines are whole minutes, no run times out in it), then ${options.dueMinutes} minutes of event time crossing the population's slots. ` +
      "Per due track: the CPU of those minutes minus the idle rounds' share, divided by the tracks that came due (the changelog records written for them).",
    `- **Detection lag**: after catching up to the wall clock, pulses every ${report.pulseMs} ms (\`VIGIL_SCHEDULER_PULSE_MS\`) dated ${report.lagMs} ms back (\`VIGIL_SCHEDULER_PULSE_LAG_MS\`), as the worker writes them; ` +
      "lag = the moment the producer's promise for the `missed` event resolved (Kafka acknowledged it) minus its deadline (slot + margin; for a timeout, start + max runtime). " +
      `The ${report.lagMs} ms pulse lag is deliberate (the clock skew between hosts the scheduler tolerates) and part of every figure; the pulse interval adds up to ${report.pulseMs} ms more. ` +
      `Every ${BURST_EVERY}th monitor (10 % of the monitor-environments) has one daily crontab at a minute a few minutes after the size starts, margin 1 min, and its check-in credited the previous day's slot: ` +
      'at that minute they all go `late`, a minute later they are all missed in the same second (the top-of-the-hour burst). The minute is 2 or 3 past a multiple of 5, ' +
      'so no slot or deadline of the every-5 and every-15-minutes crontabs falls on it or on the next and the burst has the same size from run to run; the every-minute crontabs and those set for that minute do (counted as ordinary misses in the same second). ' +
      'At a real top of the hour the every-5, every-15-minutes and hh:00 crontabs would all add to it. Ordinary deadlines are the rest of the population falling due during the window.',
    '- **Rebuild**: a new directory with the same monitors and a new engine calling `restore` on all 12 partitions with `readPartitionsToEnd`, as after a restart (the old engine dropped first); twice: right after the load, ' +
      'when the changelog holds one record per track and a position record per batch (what a fully compacted changelog holds; the CPU and real-time phases then run on this restored engine), and at the end, from everything the run wrote: nothing is compacted yet ' +
      '(segments roll hourly), so that read includes every change of the CPU and real-time phases.',
    '',
    ...sections,
    ...mix,
    '### Reading the numbers',
    '',
    analysis(results, report.pulseMs, report.lagMs),
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  let report: Report;
  let profileDir: string | null = null;
  let snapshotDir: string | null = null;
  if (options.render !== null) {
    report = JSON.parse(readFileSync(options.render, 'utf8')) as Report;
  } else {
    log(`stack: ${await ensureStack()}`);
    const base = testConfig();
    const kafka = createKafkaClient(base, 'vigil-bench-scheduler', createLogger('bench-scheduler', 'warn'));
    const stale = await deleteTopicsUnder(kafka, `${base.VIGIL_KAFKA_TOPIC_PREFIX}bench-sched-`);
    if (stale.length > 0) log(`deleted ${stale.length} topics an earlier run left behind`);
    profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'vigil-bench-scheduler-prof-')) : null;
    snapshotDir = options.heapSnapshot ? mkdtempSync(join(tmpdir(), 'vigil-bench-scheduler-heap-')) : null;

    const results: SizeResult[] = [];
    for (const size of options.sizes) {
      results.push(await runSize(size, options, profileDir, snapshotDir));
      settledHeap();
    }
    report = {
      machine: describeMachine(REPO_ROOT),
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      options,
      results,
      pulseMs: base.VIGIL_SCHEDULER_PULSE_MS,
      lagMs: base.VIGIL_SCHEDULER_PULSE_LAG_MS,
      lingerMs: base.VIGIL_KAFKA_LINGER_MS,
    };
    const saved = join(tmpdir(), `vigil-bench-scheduler-${started}.json`);
    writeFileSync(saved, JSON.stringify(report, null, 2));
    log(`results saved to ${saved} (re-render with --render ${saved})`);
  }
  const section = renderReport(report);
  process.stdout.write(`\n${section}\n`);
  if (profileDir) {
    for (const size of report.options.sizes) {
      for (const phase of ['load', 'due-stretch', 'real-time', 'rebuild']) {
        const file = join(profileDir, `${label(size)}-${phase}.cpuprofile`);
        process.stdout.write(`\n### CPU profile, ${label(size)} ${phase} (${file})\n\n${formatSummary(summarizeProfile(file))}\n`);
      }
    }
  }
  if (snapshotDir) {
    for (const size of report.options.sizes) {
      for (const moment of ['load', 'rebuild']) {
        const file = join(snapshotDir, `${label(size)}-after-${moment}.heapsnapshot`);
        process.stdout.write(
          `\n### Heap after the ${moment}, ${label(size)} (${file})\n\n${formatHeapSummary(summarizeHeapSnapshot(file, 40), { label: 'monitor-environment', units: size })}\n`,
        );
      }
    }
  }
  if (options.write) {
    const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
    writeSection(file, 'scheduler', section, BENCHMARKS_PREAMBLE);
    log(`wrote ${file}`);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench('scheduler', main);
