/**
 * Heap per parsed schedule (not a test): builds N distinct crontab schedules shaped like the scheduler bench's
 * population (`m h * * *`, `m * * * *`, `m h * * 1-5`, every few minutes, in six zones), keeps them, and prints
 * the retained heap per schedule: alone, and as the scheduler interns them (a `ScheduleRegistry` rule).
 *
 *   npx tsc -b libs/schedule && node --expose-gc libs/schedule/dist/measure-heap.js [N]
 */
import { parseSchedule, ScheduleRegistry, type CrontabSpec, type Schedule } from './index';
import { prng, settledHeapUsed as heapUsed } from './measurement';

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles', 'Australia/Sydney'];
const START = Date.parse('2026-03-02T00:00:00Z');

/** `count` distinct (expression, zone) pairs. Strings are flat, as a consumer has them after JSON.parse. */
function distinctSpecs(count: number): CrontabSpec[] {
  const random = prng(42);
  const seen = new Set<string>();
  const specs: CrontabSpec[] = [];
  while (specs.length < count) {
    const pick = random();
    const timezone = ZONES[Math.floor(random() * ZONES.length)]!;
    const minute = Math.floor(random() * 60);
    const hour = Math.floor(random() * 24);
    const value =
      pick < 0.45
        ? `${minute} ${hour} * * *`
        : pick < 0.55
          ? `${minute} * * * *`
          : pick < 0.95
            ? `${minute} ${hour} * * 1-5`
            : ['* * * * *', '*/5 * * * *', '*/15 * * * *'][Math.floor(random() * 3)]!;
    const key = `${timezone}|${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    specs.push(JSON.parse(JSON.stringify({ type: 'crontab', value, timezone })) as CrontabSpec);
  }
  return specs;
}

function main(): void {
  const count = Number(process.argv[2] ?? 10_000);
  // Zones (and their offset tables) are shared by every schedule of the zone: warm them so they are not counted.
  for (const timezone of ZONES) parseSchedule({ type: 'crontab', value: '0 0 * * *', timezone }).nextAfter(START);

  // The specs are built inside the measured stretch and dropped after parsing: what is counted is what the
  // schedules keep, their copies of the expression included.
  let before = heapUsed();
  const schedules: Schedule[] = distinctSpecs(count).map((spec) => parseSchedule(spec));
  // Use them first, so the number holds for schedules the scheduler has asked something.
  let sink = 0;
  for (const schedule of schedules) sink += schedule.nextAfter(START) - START;
  const perSchedule = (heapUsed() - before) / count;

  before = heapUsed();
  const registry = new ScheduleRegistry();
  for (const spec of distinctSpecs(count)) registry.rule(spec);
  const perRule = (heapUsed() - before) / count;

  if (schedules.length !== count || registry.size !== count || sink < 0) throw new Error('schedules must stay alive until measured');
  console.log(
    JSON.stringify(
      {
        distinctSchedules: count,
        bytesPerCrontabSchedule: Math.round(perSchedule),
        bytesPerRegistryRule: Math.round(perRule),
        node: process.version,
      },
      null,
      2,
    ),
  );
}

main();
