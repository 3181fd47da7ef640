/**
 * Heap per track: builds one partition detector with N monitor-environment tracks (realistic configs) brought to
 * a steady state, and prints the retained heap per track. Not a test.
 *
 *   npx tsc -b services/scheduler && node --expose-gc services/scheduler/dist/detection/measure-heap.js [N]
 */
import { randomUUID } from 'node:crypto';
import { prng, settledHeapUsed as heapUsed } from '@vigil/schedule/dist/measurement';
import { PartitionDetector } from './detector';
import type { MonitorConfigInput } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-02T00:00:00Z');
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Australia/Sydney'];
const ENVIRONMENTS = ['production', 'staging'];

/**
 * Roughly what a hosted cron monitor sees: many daily/hourly crontabs at scattered minutes in a few zones,
 * frequent jobs, and Healthchecks-style interval checks created by ping.
 */
function config(random: () => number): MonitorConfigInput {
  const pick = random();
  const zone = ZONES[Math.floor(random() * ZONES.length)]!;
  const minute = Math.floor(random() * 60);
  const hour = Math.floor(random() * 24);
  const margin = random() < 0.5 ? null : [1, 5, 15, 60][Math.floor(random() * 4)]!;
  const maxRuntime = random() < 0.5 ? null : [10, 60, 240][Math.floor(random() * 3)]!;
  if (pick < 0.35)
    return {
      schedule: { type: 'crontab', value: `${minute} ${hour} * * *`, timezone: zone },
      checkinMarginMinutes: margin,
      maxRuntimeMinutes: maxRuntime,
      status: 'active',
    };
  if (pick < 0.6)
    return {
      schedule: { type: 'crontab', value: `${minute} * * * *`, timezone: zone },
      checkinMarginMinutes: margin,
      maxRuntimeMinutes: maxRuntime,
      status: 'active',
    };
  if (pick < 0.75)
    return {
      schedule: { type: 'crontab', value: ['* * * * *', '*/5 * * * *', '*/15 * * * *'][Math.floor(random() * 3)]!, timezone: zone },
      checkinMarginMinutes: margin,
      maxRuntimeMinutes: maxRuntime,
      status: 'active',
    };
  if (pick < 0.8)
    return {
      schedule: { type: 'crontab', value: `${minute} ${hour} * * 1-5`, timezone: zone },
      checkinMarginMinutes: margin,
      maxRuntimeMinutes: maxRuntime,
      status: random() < 0.1 ? 'paused' : 'active',
    };
  const unit = random() < 0.5 ? 'day' : 'hour';
  return { schedule: { type: 'interval', value: 1, unit }, checkinMarginMinutes: 60, maxRuntimeMinutes: null, status: 'active', timeoutFromMargin: true };
}

function main(): void {
  const count = Number(process.argv[2] ?? 100_000);
  const random = prng(42);
  const detector = new PartitionDetector();
  // Warm the shared, per-process costs (time zone tables) so they are not counted per track.
  for (const zone of ZONES) detector.settings.schedules.rule({ type: 'crontab', value: '0 0 * * *', timezone: zone }).nextAfter(START, NaN);
  const configs: MonitorConfigInput[] = [];
  for (let i = 0; i < count; i += 1) configs.push(config(random));
  const before = heapUsed();

  // Parsed, interned schedules and settings: shared, bounded by the number of distinct expressions.
  for (const input of configs) detector.settings.resolve(input);
  const shared = heapUsed() - before;

  let tracks = 0;
  let openRuns = 0;
  for (let m = 0; tracks < count; m += 1) {
    // Ids as a consumer has them: flat strings from JSON.parse (randomUUID() returns a concatenation tree).
    const monitorId = JSON.parse(JSON.stringify(randomUUID())) as string;
    detector.setMonitor(monitorId, configs[m]!);
    const environments = random() < 0.2 ? 2 : 1;
    for (let e = 0; e < environments && tracks < count; e += 1, tracks += 1) {
      const at = START + Math.floor(random() * HOUR);
      const inProgress = random() < 0.1;
      if (inProgress) openRuns += 1;
      detector.checkin({
        monitor_id: monitorId,
        environment: JSON.parse(JSON.stringify(ENVIRONMENTS[e]!)) as string,
        checkin_id: JSON.parse(JSON.stringify(randomUUID())) as string,
        run_match: 'exact',
        status: inProgress ? 'in_progress' : 'ok',
        received_at: at,
        duration_ms: null,
      });
    }
  }
  // A day of pulses (every 5 minutes): misses, timeouts and late transitions happen, the queue settles.
  let outcomes = 0;
  for (let t = START; t <= START + DAY; t += 5 * MINUTE) outcomes += detector.pulse(t).outcomes.length;
  detector.drainChanges();
  const after = heapUsed();
  if (configs.length !== count) throw new Error('configs must stay alive until measured');

  const perTrack = (after - before - shared) / tracks;
  console.log(
    JSON.stringify(
      {
        tracks,
        openRunsAtStart: openRuns,
        outcomesOverOneDay: outcomes,
        heapDeltaBytes: after - before,
        sharedScheduleAndSettingsBytes: shared,
        bytesPerTrack: Math.round(perTrack),
        bytesPerTrackIncludingShared: Math.round((after - before) / tracks),
        distinctSchedules: detector.settings.schedules.size,
        distinctSettings: detector.settings.size,
        queuedEntries: detector.queuedCount,
        projectedHeapFor1MTracksMiB: Math.round((perTrack * 1_000_000) / 1024 / 1024),
      },
      null,
      2,
    ),
  );
}

main();
