import { UUID_PLACEHOLDER, type LoadRequest } from '../support/load';

/** The monitor every benchmark check-in goes to; the bench creates it with one envelope carrying monitor_config. */
export const BENCH_MONITOR_SLUG = 'bench-ingest';

export const ENVELOPE_CONTENT_TYPE = 'application/x-sentry-envelope';

/** What @sentry/node sends for `captureCheckIn`: an envelope header, a `check_in` item header, the check-in. */
export function envelopeBody(checkIn: Record<string, unknown>): string {
  const header = { sent_at: new Date().toISOString(), sdk: { name: 'sentry.javascript.node', version: '10.0.0' } };
  return `${JSON.stringify(header)}\n${JSON.stringify({ type: 'check_in' })}\n${JSON.stringify(checkIn)}\n`;
}

/** The benchmark's envelope: a finished run with a fresh `check_in_id` per request. */
export function envelopeTemplate(): string {
  return envelopeBody({ check_in_id: UUID_PLACEHOLDER, monitor_slug: BENCH_MONITOR_SLUG, status: 'ok', duration: 1.5, environment: 'production' });
}

/** The envelope that creates the benchmark monitor. */
export function createMonitorEnvelope(): string {
  return envelopeBody({
    monitor_slug: BENCH_MONITOR_SLUG,
    status: 'ok',
    duration: 1.5,
    monitor_config: { schedule: { type: 'crontab', value: '* * * * *' }, checkin_margin: 5, max_runtime: 30, timezone: 'UTC' },
  });
}

export function sentryAuth(publicKey: string): string {
  return `Sentry sentry_version=7, sentry_client=vigil-bench/0.1.0, sentry_key=${publicKey}`;
}

export function envelopeRequest(projectId: number, publicKey: string): LoadRequest {
  return {
    method: 'POST',
    path: `/api/${projectId}/envelope/`,
    headers: { 'content-type': ENVELOPE_CONTENT_TYPE, 'x-sentry-auth': sentryAuth(publicKey) },
    bodyTemplate: envelopeTemplate(),
  };
}

export function pingRequest(pingUuid: string): LoadRequest {
  return { method: 'GET', path: `/ping/${pingUuid}`, headers: {} };
}
