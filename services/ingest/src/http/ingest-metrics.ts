import type { VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/errors';
import { FixedCounter, histogram } from '@vigil/metrics';

export const INGEST_PROTOCOLS = ['sentry_envelope', 'sentry_cron', 'healthchecks_ping'] as const;
export type IngestProtocol = (typeof INGEST_PROTOCOLS)[number];

/**
 * What became of a check-in: `accepted` (Kafka holds it), `rejected` (a 4xx: bad key, bad payload, unknown
 * monitor), `rate_limited` (over its monitor's rate or the project's creation limit, answered 429 or, on the DSN
 * cron endpoint, 202), `failed` (Vigil could not store it: Kafka or Postgres away, a bug; answered 5xx).
 */
export const CHECKIN_OUTCOMES = ['accepted', 'rejected', 'rate_limited', 'failed'] as const;
export type CheckinOutcome = (typeof CHECKIN_OUTCOMES)[number];

/** The outcome a refusal stands for. */
export function outcomeOf(error: unknown): CheckinOutcome {
  if (!(error instanceof DomainError)) return 'failed';
  if (error.kind === 'rate_limited') return 'rate_limited';
  if (error.kind === 'unavailable') return 'failed';
  return 'rejected';
}

/**
 * Ingest's metrics: check-ins per protocol and outcome, and the time to answer a check-in request. With
 * VIGIL_METRICS off nothing is counted or timed (the benchmark measures what they cost). Provided by IngestModule
 * (a plain class: the unit tests load no Nest).
 */
export class IngestMetrics {
  private readonly enabled: boolean;
  private readonly checkins: FixedCounter<{ protocol: typeof INGEST_PROTOCOLS; outcome: typeof CHECKIN_OUTCOMES }> | null;
  private readonly durations: Record<IngestProtocol, { observe(seconds: number): void }> | null;

  constructor(config: VigilConfig) {
    this.enabled = config.VIGIL_METRICS === 'on';
    if (!this.enabled) {
      this.checkins = null;
      this.durations = null;
      return;
    }
    this.checkins = new FixedCounter(
      'vigil_ingest_checkins_total',
      'Check-ins received, per protocol and outcome (accepted: Kafka holds it; rejected: 4xx; rate_limited; failed: Vigil could not store it).',
      { protocol: INGEST_PROTOCOLS, outcome: CHECKIN_OUTCOMES },
    );
    const requests = histogram<'protocol'>({
      name: 'vigil_ingest_request_duration_seconds',
      help: 'Time from a check-in request received to its answer sent (Kafka acknowledgement included), per protocol.',
      labelNames: ['protocol'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.durations = {
      sentry_envelope: requests.labels({ protocol: 'sentry_envelope' }),
      sentry_cron: requests.labels({ protocol: 'sentry_cron' }),
      healthchecks_ping: requests.labels({ protocol: 'healthchecks_ping' }),
    };
  }

  /** `count` check-ins of one request had this outcome. */
  checkin(protocol: IngestProtocol, outcome: CheckinOutcome, count = 1): void {
    if (count > 0) this.checkins?.inc({ protocol, outcome }, count);
  }

  /** A clock for one request: call the result when the answer is sent. */
  timer(protocol: IngestProtocol): () => void {
    const durations = this.durations;
    if (!durations) return noop;
    const start = process.hrtime.bigint();
    return () => durations[protocol].observe(Number(process.hrtime.bigint() - start) / 1e9);
  }
}

const noop = (): void => undefined;
