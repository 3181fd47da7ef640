import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces), 0-based from field 3 (state). */
function statFields(pid: number): string[] | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return Number.NaN;
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size and its peak, in MiB, from /proc/<pid>/status. */
export function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = read(`/proc/${pid}/status`) ?? '';
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** The child of `parent` whose command line contains `needle` (a service started through ServiceProcess). */
export function findChild(parent: number, needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    if (!fields || Number(fields[1]) !== parent) continue;
    const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
    if (command.includes(needle)) return pid;
  }
  return undefined;
}

/** Busy and total jiffies of all CPUs together, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuWindow {
  /** The process's CPU use in percent of one core. */
  processPercent: number;
  /** The whole machine's CPU use in percent of all cores. */
  machinePercent: number;
}

/** Starts measuring CPU use of `pid` and of the machine; call the result to read the window. */
export function cpuWindow(pid: number): () => CpuWindow {
  const startedAt = process.hrtime.bigint();
  const startCpu = cpuSeconds(pid);
  const startMachine = machineTicks();
  return () => {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const machine = machineTicks();
    const total = machine.total - startMachine.total;
    return {
      processPercent: ((cpuSeconds(pid) - startCpu) / seconds) * 100,
      machinePercent: total > 0 ? ((machine.busy - startMachine.busy) / total) * 100 : Number.NaN,
    };
  };
}

/** The whole machine's CPU use over `ms` milliseconds, in percent of all cores. */
export async function machineBusy(ms: number): Promise<number> {
  const start = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const end = machineTicks();
  const total = end.total - start.total;
  return total > 0 ? ((end.busy - start.busy) / total) * 100 : Number.NaN;
}

/**
 * Waits until the machine is quiet (CPU use at most `thresholdPercent` in each of `quietSeconds` seconds in a row), at most
 * `timeoutMs`; returns the last reading. Other work on the machine (a test run, a build) would otherwise
 * take the cores the measured processes need.
 */
export async function waitForQuiet(thresholdPercent: number, timeoutMs: number, quietSeconds = 3): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const recent: number[] = [];
  for (;;) {
    recent.push(await machineBusy(1000));
    if (recent.length > quietSeconds) recent.shift();
    const worst = Math.max(...recent);
    if ((recent.length === quietSeconds && worst <= thresholdPercent) || Date.now() >= deadline) return worst;
  }
}
