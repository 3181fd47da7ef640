import { settledHeapUsed } from '@vigil/schedule/dist/measurement';
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { machineTicks } from '../support/proc';
import { loadavg } from 'node:os';

/** A growable list of numbers without boxing. */
export class Samples {
  private data = new Float64Array(1024);
  private size = 0;

  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }

  get count(): number {
    return this.size;
  }

  summary(): Distribution {
    if (this.size === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, min: Number.NaN };
    const sorted = this.data.slice(0, this.size).sort();
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, min: sorted[0]! };
  }
}

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}

/** Heap in use after two full collections (run node with --expose-gc). */
export function settledHeap(): number {
  return settledHeapUsed('run with node --expose-gc (npm run bench:scheduler does)');
}

/** Wall time, this process's CPU time, and the whole machine's CPU use (all processes) over a phase. */
export interface PhaseUsage {
  wallMs: number;
  cpuMs: number;
  /** Machine CPU busy, percent of all cores (this process, Kafka and whatever else runs). */
  machinePercent: number;
  /** 1-minute load average when the phase started. */
  loadAtStart: number;
}

export function phaseMeter(): () => PhaseUsage {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const ticks = machineTicks();
  const load = loadavg()[0] ?? Number.NaN;
  return () => {
    const used = process.cpuUsage(cpu);
    const after = machineTicks();
    const total = after.total - ticks.total;
    return {
      wallMs: performance.now() - started,
      cpuMs: (used.user + used.system) / 1000,
      machinePercent: total > 0 ? ((after.busy - ticks.busy) / total) * 100 : Number.NaN,
      loadAtStart: load,
    };
  };
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

/** V8's sampling profiler over `work`, written as a `.cpuprofile` to `file` (see support/cpu-profile.ts). */
export async function profiled<T>(file: string | null, work: () => Promise<T>): Promise<T> {
  if (file === null) return work();
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
  await post(session, 'Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await post<{ profile: object }>(session, 'Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
