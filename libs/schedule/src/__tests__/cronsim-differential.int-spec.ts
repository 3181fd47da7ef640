import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseSchedule, type Schedule } from '..';
import { Zone } from '../zone';
import { ORACLE_ALIASES, oracleMatches, oracleParse, transitions, wallOf } from './oracle';

/** The Python of the venv `make tools` (deploy/local/tools.sh) makes with the pinned cronsim and tzdata. */
function cronsimPython(): string {
  const path = join(process.env['VIGIL_TOOLS_DIR'] ?? join(homedir(), '.cache', 'vigil', 'tools'), 'cronsim', 'bin', 'python');
  if (!existsSync(path)) throw new Error(`cronsim is not installed at ${path}: run make tools (deploy/local/tools.sh)`);
  return path;
}

/**
 * Differential test: `@vigil/schedule` against cronsim (PyPI, the engine Healthchecks runs; `make tools` installs
 * it with the tzdata release Node's ICU carries) on generated (expression, zone, start) triples around every
 * offset transition of 2026-2028 in the zones below, the next 30 slots of each; and on generated valid and
 * invalid expressions, which both must accept or refuse alike. One Python process answers every question
 * through JSON lines (cronsim_runner.py beside this file).
 *
 * Where cronsim departs from Debian cron's DST rules, decision 0017 names the case, with Debian's source as
 * evidence; such a difference is counted under its name and passes only if it is exactly that case and the
 * independent minute-by-minute oracle (libs/schedule/src/__tests__/oracle.ts) agrees with Vigil.
 */
const SEED = 20_261_207;
const SLOTS = 30;
const TRIPLES = 100_000;
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Europe/London',
  'Europe/Dublin', // negative DST in the tz database (winter is the "daylight" time)
  'Australia/Lord_Howe', // 30-minute shifts
  'Pacific/Chatham', // +12:45 / +13:45, transitions at 02:45 and 03:45
  'Pacific/Auckland',
  'Australia/Sydney',
  'America/Santiago', // transitions at midnight
  'America/Havana', // transitions at midnight and 01:00
  'Africa/Cairo', // DST again since 2023, transitions at midnight
  'Asia/Beirut',
  'Africa/Casablanca', // offset drops for Ramadan each year
  'America/St_Johns', // -03:30 / -02:30
  'America/Nuuk', // new rules since 2023
  'America/Sao_Paulo', // no DST since 2019
  'Asia/Tehran', // no DST since 2022
  'America/Asuncion', // permanent -03 since 2024
  'America/Mexico_City', // no DST since 2022
  'Asia/Kolkata',
  'UTC',
];
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2029, 0, 1);
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** mulberry32: a small seeded PRNG, so every run checks the same triples. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A list element of a numeric field: value, range, steps; values drawn from `likely` half the time. */
function element(min: number, max: number, likely: readonly number[]): string {
  const value = () => (chance(0.5) ? pick(likely) : int(min, max));
  const r = random();
  if (r < 0.4) return String(value());
  if (r < 0.55) return `*/${pick([1, 2, 3, 5, 7, 10, 15, 20, 30, int(1, max + 10)])}`;
  if (r < 0.75) {
    const a = value();
    const b = int(a, Math.min(max, a + int(0, 12)));
    return chance(0.4) ? `${a}-${b}/${int(1, 6)}` : `${a}-${b}`;
  }
  if (r < 0.85) return `${value()}/${int(1, 25)}`;
  return String(value());
}
function list(make: () => string): string {
  const n = chance(0.7) ? 1 : int(2, 4);
  return Array.from({ length: n }, make).join(',');
}
function minuteField(): string {
  return chance(0.25) ? '*' : list(() => element(0, 59, [0, 15, 30, 45, 59]));
}
function hourField(): string {
  return chance(0.35) ? '*' : list(() => element(0, 23, [0, 1, 2, 3, 22, 23]));
}
function domField(): string {
  if (chance(0.55)) return '*';
  return list(() => (chance(0.25) ? pick(['L', 'LW', 'L/2', 'l', 'lw']) : element(1, 31, [1, 15, 28, 29, 30, 31])));
}
function monthField(): string {
  if (chance(0.75)) return '*';
  return list(() => {
    const r = random();
    if (r < 0.3) return pick(MONTHS);
    if (r < 0.45) {
      const a = int(0, 11);
      return `${MONTHS[a]}-${MONTHS[int(a, 11)]}`;
    }
    return element(1, 12, [1, 2, 3, 4, 9, 10, 11, 12]);
  });
}
function dowField(): string {
  if (chance(0.55)) return '*';
  return list(() => {
    const r = random();
    const w = () => (chance(0.3) ? pick(DAYS) : String(int(0, 7)));
    if (r < 0.2) return `${w()}#${int(1, 5)}`;
    if (r < 0.3) return `${int(0, 7)}L`;
    if (r < 0.45) return pick(['MON-FRI', 'SAT,SUN', 'mon-fri', 'SUN-SAT', '0-7', '1-7/2', 'TUE-THU']);
    return element(0, 7, [0, 1, 5, 6, 7]);
  });
}
function expression(): string {
  if (chance(0.02)) return pick(['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually']);
  const fields = [minuteField(), hourField(), domField(), monthField(), dowField()];
  return fields.join(chance(0.05) ? '  ' : ' ');
}
const BAD_TOKENS = [
  '60',
  '24',
  '0',
  '32',
  '13',
  '8',
  '-1',
  'FOO',
  'L',
  'LW',
  'W',
  '15W',
  'L5',
  'FRIL',
  '5L',
  '5#6',
  '5#0',
  '#2',
  'MON#',
  'FRI#2',
  'FRI-SUN',
  'MON-SUN',
  '5-2',
  '*/0',
  '*/',
  '/5',
  '1,,2',
  '1,',
  ',1',
  '-5',
  '5-',
  '?',
  '1-2-3',
  '*/2/3',
  '**',
  '*-5',
  'L-5',
  '1-L',
  'JAN',
  'jan',
  'SUN',
  '7',
  '1.5',
  '0x1',
  ' ',
  '*/100',
  '00',
  '007',
  'L/3',
  'LW/2',
  '5L/2',
  '3#2/2',
  '1/0',
  '5/',
  'LL',
];
function invalidish(): string {
  const fields = expression().split(/\s+/);
  if (fields.length !== 5) return fields.join(' ');
  const r = random();
  if (r < 0.6) fields[int(0, 4)] = pick(BAD_TOKENS);
  else if (r < 0.8) fields[int(0, 4)] += pick([',', '-', '/', '#', 'L', 'W', '?', '*', '0', String(int(0, 99))]);
  else if (r < 0.9) return fields.slice(0, int(1, 4)).join(' ');
  else return [...fields, pick(['*', '2026', '0'])].join(' ');
  return fields.join(' ');
}

/** What cronsim is given for an alias (it has none; Vigil keeps Sentry's and Vixie's): the oracle's own table. */
const forCronsim = (expr: string) => ORACLE_ALIASES[expr.toLowerCase()] ?? expr;

/** Runners still at work: a test that times out must not leave its Python process running. */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** One Python process: writes every question, then reads every answer (JSON lines, in order). */
async function askCronsim(questions: readonly object[]): Promise<unknown[]> {
  const python = cronsimPython();
  const child = spawn(python, [join(__dirname, 'cronsim_runner.py')], {
    env: { ...process.env, PYTHONTZPATH: '' }, // the pinned tzdata package, never the system's zoneinfo
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('close', () => running.delete(child));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.on('error', () => undefined); // a runner that dies early: its exit code says why
  const input = questions.map((q) => JSON.stringify(q)).join('\n') + '\n';
  child.stdin.end(input);
  const code = await exited;
  if (code !== 0) throw new Error(`cronsim runner exited with ${code}: ${Buffer.concat(err).toString()}`);
  const lines = Buffer.concat(out).toString().trim().split('\n');
  if (lines.length !== questions.length) throw new Error(`cronsim runner answered ${lines.length} of ${questions.length} questions`);
  return lines.map((line) => JSON.parse(line) as unknown);
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().replace(':00.000Z', 'Z') : String(t));

interface Triple {
  expr: string;
  zone: string;
  start: number;
}

/** Offset transitions of each zone in 2026-2028 (from Intl, minute-exact), found once. */
const zoneTransitions = new Map<string, number[]>(ZONES.map((zone) => [zone, transitions(zone, FROM - DAY, TO + DAY)]));

function triples(pool: readonly string[]): Triple[] {
  const out: Triple[] = [];
  const near = ZONES.flatMap((zone) => zoneTransitions.get(zone)!.map((t) => ({ zone, t })));
  while (out.length < TRIPLES) {
    const expr = pick(pool);
    if (chance(0.8) && near.length > 0) {
      // Before a transition by a log-uniform distance (a minute to four days) so that 30 slots of every density
      // cross it, now and then just after it; at any millisecond.
      const { zone, t } = pick(near);
      const distance = chance(0.85) ? Math.exp(Math.log(MINUTE) + random() * Math.log((4 * DAY) / MINUTE)) : -random() * 2 * HOUR;
      out.push({ expr, zone, start: Math.round(t - distance) });
    } else {
      out.push({ expr, zone: pick(ZONES), start: FROM + Math.floor(random() * (TO - FROM)) });
    }
  }
  return out;
}

/** The first `count` slots after `start`, as the scheduler asks for them. */
function ours(schedule: Schedule, start: number, count: number): number[] {
  const slots: number[] = [];
  let t = start;
  while (slots.length < count) {
    t = schedule.nextAfter(t);
    if (!Number.isFinite(t)) break;
    slots.push(t);
  }
  return slots;
}

/** The named cases of decision 0017 where cronsim departs from Debian cron (and Vigil does not). */
type Known =
  'past-slot-in-repeated-hour' | 'imaginary-time' | 'steps-over-wall-time-after-transition' | 'goes-backwards-in-repeated-hour' | 'hangs-in-repeated-hour';
const isFixed = (expr: string) => !oracleParse(expr).wildcard;
/** The zone's offset at u, from Intl (the oracle's memoised wall readings), independent of the engine. */
const offsetOf = (zone: string, u: number) => wallOf(zone, u).naive - u;

/** Which named case a slot only cronsim has (`extra`) or only Vigil has (`missing`) is, or null. */
function classify(triple: Triple, u: number, side: 'extra' | 'missing'): Known | null {
  const cron = oracleParse(forCronsim(triple.expr));
  if (!cron.wildcard) return null;
  const matches = oracleMatches(cron, wallOf(triple.zone, u));
  // cronsim stepped onto a wall time that does not exist (a midnight it reached by `combine`, inside a gap) and
  // returned it; Python maps it to the end of the gap (u is the transition), whose wall reading does not match.
  // Debian runs no wildcard job at a skipped time.
  if (side === 'extra' && !matches && offsetOf(triple.zone, u - MINUTE) !== offsetOf(triple.zone, u)) return 'imaginary-time';
  // After a transition, cronsim's hour steps (`replace(minute=0)`, then whole hours of real time, from an
  // imaginary midnight or across a 30-minute or 02:45 shift) and its one-value minute jump (across a repeated half
  // hour) step over wall minutes that exist and match, until the day ends. Debian runs a wildcard job at every
  // matching wall minute the clock shows.
  if (side === 'missing' && matches && transitions(triple.zone, u - 26 * HOUR, u + MINUTE).some((t) => t <= u && u - t <= 25 * HOUR)) {
    return 'steps-over-wall-time-after-transition';
  }
  return null;
}

/** Start in the second pass of a repeated wall time: the clock showed later times before it fell back. */
function inSecondPass(zone: string, start: number): boolean {
  const z = Zone.get(zone);
  return z.maxWallAtOrBefore(start) > start + z.offsetAt(start);
}

describe('crontab engine against cronsim', () => {
  const pool: string[] = [];
  const accepted = new Map<string, boolean>();

  it('both read the same tz database for every zone and transition used', async () => {
    const questions = ZONES.map((zone) => {
      const at = zoneTransitions.get(zone)!.flatMap((t) => [t - 1000, t]);
      for (let t = FROM; t < TO; t += 30 * DAY) at.push(t);
      return { offsets: zone, at };
    });
    const answers = (await askCronsim(questions)) as { offsets: number[] }[];
    const differences: string[] = [];
    questions.forEach((q, i) => {
      const zone = Zone.get(q.offsets);
      q.at.forEach((t, k) => {
        const mine = zone.offsetAt(t);
        if (mine !== answers[i]!.offsets[k])
          differences.push(`${q.offsets} at ${iso(t)}: Node ${mine / MINUTE} min, Python ${answers[i]!.offsets[k]! / MINUTE} min`);
      });
    });
    if (differences.length > 0) {
      throw new Error(
        `Node's tz database (${process.versions.tz}) and the cronsim venv's tzdata disagree, so schedules cannot be compared ` +
          `(pin tzdata in deploy/local/tools.sh to Node's release):\n${differences.slice(0, 10).join('\n')}`,
      );
    }
    expect(ZONES.length).toBeGreaterThanOrEqual(12);
    expect(ZONES.reduce((n, zone) => n + zoneTransitions.get(zone)!.length, 0)).toBeGreaterThan(80);
  });

  it('accepts and refuses the same expressions (Healthchecks: five fields, CronSim takes it and finds a slot)', async () => {
    const valid = Array.from({ length: 4000 }, expression);
    const invalid = Array.from({ length: 6000 }, invalidish);
    const candidates = [...new Set([...valid, ...invalid])].filter((e) => !e.trim().startsWith('@'));
    const answers = (await askCronsim(candidates.map((accept) => ({ accept })))) as { ok: boolean; error?: string }[];
    const differences: string[] = [];
    let refused = 0;
    candidates.forEach((expr, i) => {
      let vigil: string | null = null;
      try {
        parseSchedule({ type: 'crontab', value: expr, timezone: 'UTC' });
      } catch (error) {
        vigil = (error as Error).message;
      }
      const cronsim = answers[i]!;
      if (!cronsim.ok) refused++;
      accepted.set(expr, cronsim.ok && vigil === null);
      if (cronsim.ok !== (vigil === null)) {
        differences.push(
          `${JSON.stringify(expr)}: cronsim ${cronsim.ok ? 'accepts' : `refuses (${cronsim.error})`}, Vigil ${vigil === null ? 'accepts' : `refuses (${vigil})`}`,
        );
      }
    });
    if (differences.length > 0)
      throw new Error(`${differences.length} of ${candidates.length} expressions judged differently:\n${differences.slice(0, 20).join('\n')}`);
    // Both kinds in numbers worth the name.
    expect(refused).toBeGreaterThan(2000);
    expect(candidates.length - refused).toBeGreaterThan(3000);
    for (const expr of valid) if (accepted.get(expr) || expr.startsWith('@')) pool.push(expr);
  });

  it(`finds the same next ${SLOTS} slots for ${TRIPLES} (expression, zone, start) triples around every transition of 2026-2028`, async () => {
    expect(pool.length).toBeGreaterThan(3000);
    const cases = triples(pool);
    const answers = (await askCronsim(cases.map((c) => ({ e: forCronsim(c.expr), z: c.zone, s: c.start, n: SLOTS })))) as {
      slots: number[];
      past: number;
      backwards: boolean;
      hung: boolean;
    }[];
    const schedules = new Map<string, Schedule>();
    const known = new Map<Known, { count: number; example: string }>();
    const note = (name: Known, example: string) => {
      const seen = known.get(name);
      if (seen) seen.count++;
      else known.set(name, { count: 1, example });
    };
    const differences: string[] = [];
    let crossing = 0;
    cases.forEach((c, i) => {
      const key = `${c.zone}|${c.expr}`;
      let schedule = schedules.get(key);
      if (!schedule) schedules.set(key, (schedule = parseSchedule({ type: 'crontab', value: c.expr, timezone: c.zone })));
      const mine = ours(schedule, c.start, SLOTS);
      const { slots: theirs, past, backwards, hung } = answers[i]!;
      const label = `${JSON.stringify(c.expr)} in ${c.zone} after ${new Date(c.start).toISOString()}`;
      if (mine.length > 0 && zoneTransitions.get(c.zone)!.some((t) => c.start < t && t <= mine.at(-1)!)) crossing++;
      if (past > 0 && !backwards) {
        // cronsim read the start as a naive wall time and returned the first pass of the repeated hour.
        if (isFixed(forCronsim(c.expr)) && inSecondPass(c.zone, c.start)) note('past-slot-in-repeated-hour', label);
        else differences.push(`${label}: cronsim yielded ${past} slot(s) at or before the start`);
      }
      if (backwards) {
        // cronsim's `replace` on a time in the repeated hour lands in its first pass, and it cycles there.
        const last = theirs.at(-1) ?? c.start;
        if (transitions(c.zone, last - 3 * HOUR, last + 3 * HOUR).length > 0) note('goes-backwards-in-repeated-hour', label);
        else differences.push(`${label}: cronsim went back in time after ${iso(last)}`);
      }
      if (hung) {
        // cronsim's next() cycles without yielding: `replace(minute=0)` from the repeated hour's second pass lands
        // before the fold and its one-value minute jump brings it back (decision 0017).
        const last = theirs.at(-1) ?? c.start;
        const fold = transitions(c.zone, last - HOUR, last + 26 * HOUR).some((t) => offsetOf(c.zone, t) < offsetOf(c.zone, t - MINUTE));
        if (fold && !isFixed(forCronsim(c.expr))) note('hangs-in-repeated-hour', `${label}: after ${iso(last)}`);
        else differences.push(`${label}: cronsim did not return within 5 s of CPU after ${iso(last)}`);
      }
      if (mine.join() === theirs.join()) return;
      // Compare as sets up to where both lists reach; every slot only one side has must be a named case.
      const horizon = Math.min(mine.at(-1) ?? -Infinity, theirs.at(-1) ?? -Infinity);
      const mineSet = new Set(mine);
      const theirSet = new Set(theirs);
      const unexplained: string[] = [];
      for (const u of theirs)
        if (u <= horizon && !mineSet.has(u)) {
          const name = classify(c, u, 'extra');
          if (name) note(name, `${label}: cronsim also ${iso(u)}`);
          else unexplained.push(`cronsim only ${iso(u)}`);
        }
      for (const u of mine)
        if (u <= horizon && !theirSet.has(u)) {
          const name = classify(c, u, 'missing');
          if (name) note(name, `${label}: cronsim lacks ${iso(u)}`);
          else unexplained.push(`Vigil only ${iso(u)}`);
        }
      if (!backwards && !hung && mine.length !== theirs.length && (mine.length < SLOTS || theirs.length < SLOTS))
        unexplained.push(`Vigil found ${mine.length} slots, cronsim ${theirs.length}`);
      if (unexplained.length > 0) {
        differences.push(
          `${label}: ${unexplained.slice(0, 4).join(', ')}\n    cronsim ${theirs.slice(0, 8).map(iso).join(' ')}\n    Vigil   ${mine.slice(0, 8).map(iso).join(' ')}`,
        );
      }
    });
    const summary = [...known].map(([name, { count, example }]) => `${name}: ${count} (e.g. ${example})`).join('\n');
    process.stdout.write(
      `cronsim differential: ${cases.length} triples, ${crossing} whose slots cross a transition, ${schedules.size} schedules; cronsim's named departures:\n${summary}\n`,
    );
    if (differences.length > 0) throw new Error(`${differences.length} of ${cases.length} triples differ:\n${differences.slice(0, 20).join('\n')}`);
    expect(crossing).toBeGreaterThan(TRIPLES / 2);
    // cronsim takes about 0.7 ms of CPU per triple (30 slots): about 100 s on two quiet cores. The bound is a
    // throughput bound (ten minutes), not a wait for a race.
  }, 600_000);
});
