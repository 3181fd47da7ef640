import type { Latency } from '../support/load';

/**
 * What the bench and its load generator (a process of its own, `load-generator.ts`) say to each other over IPC.
 */

/** A monitor the load goes to: a Sentry monitor (envelopes by slug) or a Healthchecks check (pings to its UUID). */
export interface LoadMonitor {
  slug: string;
  kind: 'sentry' | 'ping';
  /** The check's ping UUID (`ping` monitors only). */
  pingUuid?: string;
}

export interface GeneratorInit {
  type: 'init';
  /** http://host:port of ingest. */
  origin: string;
  projectId: number;
  publicKey: string;
  monitors: LoadMonitor[];
  /** 8 hex digits of this bench run: every check-in id starts with them. */
  idPrefix: string;
  /** Seconds from a run's start to its finish. */
  runSeconds: number;
  /** Keep-alive connections to ingest at most. */
  connections: number;
  /** One check-in in this many is reported as a visibility sample. */
  sampleEvery: number;
}

export interface GeneratorStep {
  type: 'step';
  step: number;
  /** Check-ins per second offered (starts and finishes together). */
  rate: number;
  seconds: number;
  /** Answers slower than this (ms from the scheduled send) are counted apart. */
  slowMs: number;
}

export type ToGenerator = GeneratorInit | GeneratorStep;

/** A check-in ingest acknowledged, to be looked for through the API. */
export interface VisibilitySample {
  slug: string;
  checkinId: string;
  /** `in_progress` (a start) or the finish's status. */
  status: 'in_progress' | 'ok' | 'error';
  /** Epoch milliseconds of ingest's 2xx answer. */
  ackAt: number;
}

export interface StepLoad {
  step: number;
  rate: number;
  /** Check-ins the schedule held (starts and finishes). */
  scheduled: number;
  runs: number;
  ok: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Epoch ms of the first scheduled send and of the last answer. */
  firstScheduledAt: number;
  lastAnswerAt: number;
  /** Seconds from the first scheduled send to the last scheduled send. */
  scheduleSeconds: number;
  /** Of the 2xx answers, from the scheduled send time, in ms: all, pings, envelopes. */
  latency: Latency;
  latencyPing: Latency;
  latencyEnvelope: Latency;
  /** 2xx answers slower than the step's `slowMs`. */
  slow: number;
  /** The second of the step (from its start) holding the most slow answers, and how many. */
  worstSecond: { second: number; slow: number };
  /** Run numbers (within the step) whose start, and whose finish, ingest answered with 2xx. */
  acceptedStarts: number[];
  acceptedFinishes: number[];
  /** Finishes sent as failures. */
  failuresSent: number;
  /** Answers that were not 2xx, a few of them, for the log. */
  failureExamples: string[];
}

export type FromGenerator =
  { type: 'ready' } | { type: 'sample'; sample: VisibilitySample } | { type: 'step-done'; load: StepLoad } | { type: 'error'; message: string };

/** About 1 % of the runs fail: run r fails when r % 97 === 0 (97 is prime, so every monitor gets its share). */
export function runFails(run: number): boolean {
  return run % 97 === 0;
}

/** A check-in id (a UUID, as ingest stores it: dashed lower case) naming the step and the run within it. */
export function checkinIdOf(prefix: string, step: number, run: number): string {
  return `${prefix}-${step.toString(16).padStart(4, '0')}-4000-8000-${run.toString(16).padStart(12, '0')}`;
}

/** The run number of a check-in id `checkinIdOf` made for `step`, or undefined for any other id. */
export function runOfCheckinId(prefix: string, step: number, id: string): number | undefined {
  const head = `${prefix}-${step.toString(16).padStart(4, '0')}-4000-8000-`;
  if (!id.startsWith(head)) return undefined;
  const run = Number.parseInt(id.slice(head.length), 16);
  return Number.isSafeInteger(run) ? run : undefined;
}
