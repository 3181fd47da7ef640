import {
  PartitionDetector,
  type CheckinResult,
  type DetectionCheckin,
  type DetectionResult,
  type MonitorConfigInput,
  type Outcome,
  type Transition,
} from '../detection';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Monday 2026-03-02 00:00 UTC. */
export const T0 = Date.parse('2026-03-02T00:00:00Z');
export const MONITOR = '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b';
export const ENV = 'production';

export const iso = (t: number) => new Date(t).toISOString();

export function hourly(overrides: Partial<MonitorConfigInput> = {}): MonitorConfigInput {
  return {
    schedule: { type: 'crontab', value: '0 * * * *', timezone: 'UTC' },
    checkinMarginMinutes: 5,
    maxRuntimeMinutes: 20,
    status: 'active',
    ...overrides,
  };
}

let counter = 0;
/** A fresh, valid-looking check-in id (deterministic, so runs replay identically). */
export function runId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

/**
 * Drives one PartitionDetector and records everything it returns, in order. Times are epoch ms; `every`
 * feeds pulses at a fixed step, like the pulse producer would.
 */
export class Harness {
  readonly outcomes: Outcome[] = [];
  readonly transitions: Transition[] = [];

  constructor(readonly detector: PartitionDetector = new PartitionDetector()) {}

  monitor(config: MonitorConfigInput | null, monitorId = MONITOR): this {
    this.collect(this.detector.setMonitor(monitorId, config));
    return this;
  }

  pulse(at: number): DetectionResult {
    return this.collect(this.detector.pulse(at));
  }

  /** Pulses at from, from + step, ..., up to and including `to`. */
  every(step: number, from: number, to: number): this {
    for (let t = from; t <= to; t += step) this.pulse(t);
    return this;
  }

  checkin(status: DetectionCheckin['status'], at: number, overrides: Partial<DetectionCheckin> = {}): CheckinResult {
    const signal: DetectionCheckin = {
      monitor_id: MONITOR,
      environment: ENV,
      checkin_id: runId(),
      run_match: 'latest_open',
      status,
      received_at: at,
      duration_ms: null,
      ...overrides,
    };
    const result = this.detector.checkin(signal);
    this.collect(result);
    return result;
  }

  /** Outcome slots of one kind, as ISO strings, in emission order. */
  slots(kind: Outcome['kind']): string[] {
    return this.outcomes.filter((outcome) => outcome.kind === kind).map((outcome) => iso(outcome.slot));
  }

  eventIds(): string[] {
    return this.outcomes.map((outcome) => outcome.eventId);
  }

  states(): string[] {
    return this.transitions.map((transition) => `${transition.from}->${transition.to}`);
  }

  get state(): string | undefined {
    return this.detector.track(MONITOR, ENV)?.state;
  }

  private collect<T extends DetectionResult>(result: T): T {
    this.outcomes.push(...result.outcomes);
    this.transitions.push(...result.transitions);
    return result;
  }
}
