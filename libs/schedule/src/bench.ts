// Micro-benchmark (not a test): ns per nextAfter, cron-parser vs this engine. Run:
//   npx tsc -b libs/schedule && node libs/schedule/dist/bench.js
import { CronExpressionParser } from 'cron-parser';
import { parseSchedule } from './index';

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];
const EXPRESSIONS = ['*/15 * * * *', '0 9 * * 1-5', '30 2 * * *'];
const START = Date.UTC(2026, 0, 1);
const QUERIES = 20_000;
const instants = Array.from({ length: QUERIES }, (_, i) => START + ((i * 7_919_993) % (365 * 86_400_000)));

function time(label: string, run: (t: number) => number): number {
  let sink = 0;
  for (const t of instants) sink += run(t); // warm up (JIT, and the zone tables for the year)
  const began = process.hrtime.bigint();
  for (const t of instants) sink += run(t);
  const ns = Number(process.hrtime.bigint() - began) / instants.length;
  if (sink === 42) console.log(label); // keep the work observable
  return ns;
}

const rows: string[][] = [['zone', 'expression', 'cron-parser parse+next', 'cron-parser reset+next', '@vigil/schedule nextAfter', 'speed-up']];
for (const zone of ZONES) {
  for (const expression of EXPRESSIONS) {
    const schedule = parseSchedule({ type: 'crontab', value: expression, timezone: zone });
    const ours = time('ours', (t) => schedule.nextAfter(t));
    const parseNext = time('cron-parser', (t) => {
      try {
        return CronExpressionParser.parse(expression, { tz: zone, currentDate: new Date(t) }).next().getTime();
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
    rows.push([zone, expression, parseNext.toFixed(0), resetNext.toFixed(0), ours.toFixed(0), `${(resetNext / ours).toFixed(0)}x`]);
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(`(ns per call, ${QUERIES} random instants in 2026, node ${process.version})`);
