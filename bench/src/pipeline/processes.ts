import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, findChild, memory } from '../support/proc';

/** Linux clock ticks per second (USER_HZ). */
const TICKS_PER_SECOND = 100;

/**
 * The processes the pipeline bench measures, found through /proc: the six services (children of the bench),
 * Kafka's JVM, the ClickHouse server and Postgres (the postmaster and every process it forked: backends,
 * checkpointer, WAL writer, autovacuum). Where several stores of a kind run (an end-to-end spec's private Kafka),
 * the one whose command line names the stack directory is taken.
 */

export interface MeasuredProcess {
  name: string;
  /** CPU seconds used so far. */
  cpu(): number;
  /** Resident memory in MiB now (Postgres: proportional set size summed over its processes). */
  memoryMiB(): number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

interface ProcEntry {
  pid: number;
  ppid: number;
  command: string;
}

function processes(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    entries.push({ pid: Number(name), ppid: Number(fields[1]), command: (read(`/proc/${name}/cmdline`) ?? '').split('\0').join(' ').trim() });
  }
  return entries;
}

/** Of the processes matching `test`, the one naming `stackDir` (if given and any does), else the first. */
function pick(all: readonly ProcEntry[], test: (entry: ProcEntry) => boolean, stackDir: string | undefined): ProcEntry | undefined {
  const matching = all.filter(test);
  return (stackDir ? matching.find((entry) => entry.command.includes(stackDir)) : undefined) ?? matching[0];
}

/** User + system CPU seconds of a process, and of its children it has waited for (`cutime` + `cstime`). */
function cpuWithReaped(pid: number): { own: number; reaped: number } {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return { own: Number.NaN, reaped: Number.NaN };
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    own: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    reaped: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
  };
}

function pssMiB(pid: number): number {
  const rollup = read(`/proc/${pid}/smaps_rollup`) ?? '';
  const kib = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** One process, by its pid. */
export function single(name: string, pid: number): MeasuredProcess {
  return { name, cpu: () => cpuSeconds(pid), memoryMiB: () => memory(pid).rssMiB };
}

/**
 * Postgres as one: the postmaster's own CPU, what its exited children used (the postmaster reaps them, so their
 * time lands in its `cutime`/`cstime`), and the CPU of the children alive now. Backends come and go with
 * connections; counting the reaped time keeps a backend that exits during a step from taking its CPU with it.
 * Memory is the proportional set size summed over the processes, so shared buffers count once.
 */
function postgres(postmaster: number): MeasuredProcess {
  const children = () => processes().filter((entry) => entry.ppid === postmaster);
  return {
    name: 'Postgres (all processes)',
    cpu: () => {
      const { own, reaped } = cpuWithReaped(postmaster);
      return own + reaped + children().reduce((sum, child) => sum + (cpuSeconds(child.pid) || 0), 0);
    },
    memoryMiB: () => pssMiB(postmaster) + children().reduce((sum, child) => sum + (pssMiB(child.pid) || 0), 0),
  };
}

/** Finds every measured process; throws naming what it could not find. */
export function findProcesses(services: readonly string[], stackDir: string | undefined): MeasuredProcess[] {
  const all = processes();
  const found: MeasuredProcess[] = [];
  for (const name of services) {
    const pid = findChild(process.pid, `services/${name}/dist/main.js`);
    if (pid === undefined) throw new Error(`cannot find the ${name} process`);
    found.push(single(name, pid));
  }
  const kafka = pick(all, (entry) => /^(\S*\/)?java\s/.test(entry.command) && / kafka\.Kafka /.test(`${entry.command} `), stackDir);
  const clickhouse = pick(all, (entry) => /^(\S*\/)?clickhouse(-server| server)\b/.test(entry.command), stackDir);
  const postmaster = pick(
    all,
    (entry) =>
      /^(\S*\/)?postgres(\s|$)/.test(entry.command) &&
      / -D /.test(entry.command) &&
      !all.some((other) => other.pid === entry.ppid && other.command.includes('postgres')),
    stackDir,
  );
  const missing = [
    kafka ? null : 'Kafka (java ... kafka.Kafka)',
    clickhouse ? null : 'clickhouse-server',
    postmaster ? null : 'the Postgres postmaster',
  ].filter((entry): entry is string => entry !== null);
  if (missing.length > 0) throw new Error(`cannot find ${missing.join(', ')} in /proc: is the stack running on this machine?`);
  found.push(single("Kafka (broker's JVM)", kafka!.pid));
  found.push(single('ClickHouse server', clickhouse!.pid));
  found.push(postgres(postmaster!.pid));
  return found;
}

export interface Reading {
  at: number;
  cpu: number[];
  memoryMiB: number[];
}

export function readAll(list: readonly MeasuredProcess[]): Reading {
  return { at: Date.now(), cpu: list.map((entry) => entry.cpu()), memoryMiB: list.map((entry) => entry.memoryMiB()) };
}
