import { createHmac, timingSafeEqual } from 'node:crypto';
import { isoUtc, type Alert, type AlertStatus } from './alert';

/**
 * Generic webhooks: a versioned JSON body (docs/webhooks.md documents every field) and a signature the
 * receiver checks with the integration's secret, in the manner of Stripe's:
 *
 *   Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is signed with the body, so a captured request cannot be replayed later than the receiver's
 * tolerance, and no field of the body can be changed without the secret.
 */

export const WEBHOOK_VERSION = 1;
export const SIGNATURE_HEADER = 'Vigil-Signature';
export const EVENT_HEADER = 'Vigil-Event';
export const DELIVERY_HEADER = 'Vigil-Delivery';
export const ATTEMPT_HEADER = 'Vigil-Attempt';
/** How old a signature `verifyWebhookSignature` accepts by default, in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export const WEBHOOK_EVENT_TYPES = ['issue.opened', 'issue.resolved', 'test'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Version 1 of the body. New optional fields may be added within a version; anything else is a new version. */
export interface WebhookBodyV1 {
  version: 1;
  /** The transition's idempotency key (uuid); also sent as `Vigil-Delivery`. Equal on every retry. */
  event_id: string;
  type: WebhookEventType;
  /** When the transition happened, ISO 8601 UTC. */
  occurred_at: string;
  issue: { id: string; failure_count: number };
  organization: { id: string; slug: string };
  project: { id: number; slug: string };
  monitor: { id: string; slug: string; name: string; url: string };
  environment: string;
  checkin: {
    id: string;
    status: AlertStatus;
    /** The expected run time (schedule slot), ISO 8601 UTC. */
    expected_at: string;
  };
}

const EVENT_TYPE: Readonly<Record<Alert['kind'], WebhookEventType>> = {
  opened: 'issue.opened',
  resolved: 'issue.resolved',
  test: 'test',
};

export function buildWebhookBody(alert: Alert): WebhookBodyV1 {
  return {
    version: WEBHOOK_VERSION,
    event_id: alert.idempotencyKey,
    type: EVENT_TYPE[alert.kind],
    occurred_at: isoUtc(alert.occurredAt),
    issue: { id: alert.issueId, failure_count: alert.failureCount },
    organization: { id: alert.organization.id, slug: alert.organization.slug },
    project: { id: alert.project.id, slug: alert.project.slug },
    monitor: { id: alert.monitor.id, slug: alert.monitor.slug, name: alert.monitor.name, url: alert.url },
    environment: alert.environment,
    checkin: { id: alert.checkinId, status: alert.status, expected_at: isoUtc(alert.slot) },
  };
}

/** Hex HMAC-SHA256 of `<timestamp>.<raw body>` keyed by the secret (UTF-8). */
export function computeSignature(secret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

/** The `Vigil-Signature` value for a body sent at `nowMs`. */
export function signWebhook(secret: string, rawBody: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${computeSignature(secret, t, rawBody)}`;
}

export interface SignedWebhookRequest {
  /** The exact bytes to send: the signature covers this string, so it must not be re-serialized. */
  body: string;
  headers: Record<string, string>;
}

/**
 * The body and headers of one attempt: JSON content type, the event type, the delivery id (the idempotency
 * key, stable across retries), the attempt number (1-based) and the signature made at `nowMs`.
 */
export function buildWebhookRequest(alert: Alert, secret: string, nowMs: number, attempt: number): SignedWebhookRequest {
  const body = JSON.stringify(buildWebhookBody(alert));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [EVENT_HEADER.toLowerCase()]: EVENT_TYPE[alert.kind],
      [DELIVERY_HEADER.toLowerCase()]: alert.idempotencyKey,
      [ATTEMPT_HEADER.toLowerCase()]: String(attempt),
      [SIGNATURE_HEADER.toLowerCase()]: signWebhook(secret, body, nowMs),
    },
  };
}

export type SignatureCheck = { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks a `Vigil-Signature` header against the raw request body, as a receiver must (before parsing JSON).
 * Rules: the header holds `t=<integer seconds>` and at least one `v1=<64 hex>` (several are allowed, so a
 * sender may sign with an old and a new secret while a secret is rotated); `t` is within
 * `toleranceSeconds` of `nowMs` in either direction; some `v1` equals the HMAC, compared in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string | Buffer,
  toleranceSeconds: number = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  nowMs: number = Date.now(),
): SignatureCheck {
  if (!header) return { valid: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === null || signatures.length === 0) return { valid: false, reason: 'malformed' };
  if (Math.abs(Math.floor(nowMs / 1000) - timestamp) > toleranceSeconds) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'hex');
  // Every candidate is compared, so the time taken does not say which one matched.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  return matched ? { valid: true, timestamp } : { valid: false, reason: 'mismatch' };
}
