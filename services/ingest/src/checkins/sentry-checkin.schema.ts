import { DomainError } from '@vigil/errors';
import { CHECKIN_STATUSES, unstorableText, type CheckinStatus } from '@vigil/contracts';
import { INTERVAL_UNITS, MONITOR_CONFIG_LIMITS as LIMITS, type SentryMonitorConfig } from '@vigil/db';
import Ajv, { type ErrorObject } from 'ajv';

/** A `check_in` item or DSN cron JSON body, as Sentry SDKs and sentry-cli send it. */
export interface SentryCheckinPayload {
  check_in_id?: string;
  monitor_slug: string;
  status: CheckinStatus;
  duration?: number | null;
  release?: string | null;
  environment?: string | null;
  /** As sent: checked apart (`parseMonitorConfig`), so an invalid one need not cost the check-in. */
  monitor_config?: unknown;
  contexts?: { trace?: { trace_id?: string } };
}

// monitor_config's bounds are the ones the API's monitor endpoints apply too (MONITOR_CONFIG_LIMITS). Margin and
// runtime take any integer: `toMonitorConfigUpdate` stores 0 and values past Sentry's limits at the limits.
const monitorConfigSchema = {
  type: 'object',
  properties: {
    monitor_config: {
      type: ['object', 'null'],
      properties: {
        schedule: {
          type: 'object',
          required: ['type', 'value'],
          oneOf: [
            {
              properties: { type: { const: 'crontab' }, value: { type: 'string', minLength: 1, maxLength: LIMITS.crontabMaxLength } },
              required: ['type', 'value'],
            },
            {
              properties: {
                type: { const: 'interval' },
                value: { type: 'integer', minimum: 1, maximum: LIMITS.intervalMax },
                unit: { type: 'string', enum: [...INTERVAL_UNITS] },
              },
              required: ['type', 'value', 'unit'],
            },
          ],
        },
        checkin_margin: { type: ['integer', 'null'] },
        max_runtime: { type: ['integer', 'null'] },
        failure_issue_threshold: { type: ['integer', 'null'], minimum: 1, maximum: LIMITS.thresholdMax },
        recovery_threshold: { type: ['integer', 'null'], minimum: 1, maximum: LIMITS.thresholdMax },
        timezone: { type: ['string', 'null'], maxLength: LIMITS.timezoneMaxLength },
        owner: { type: ['string', 'null'], maxLength: LIMITS.ownerMaxLength },
      },
    },
  },
} as const;

const schema = {
  type: 'object',
  required: ['monitor_slug', 'status'],
  properties: {
    check_in_id: { type: 'string', pattern: '^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$' },
    // Any length: a longer slug is cut to 50 characters as Relay cuts it (`slugify`).
    monitor_slug: { type: 'string', minLength: 1, maxLength: 4096 },
    status: { type: 'string', enum: [...CHECKIN_STATUSES] },
    duration: { type: ['number', 'null'], minimum: 0, maximum: 365 * 86400 },
    release: { type: ['string', 'null'], maxLength: 250 },
    environment: { type: ['string', 'null'], minLength: 1, maxLength: 64, pattern: '^[^/\\r\\n\\f\\t]+$' },
    contexts: {
      type: 'object',
      properties: { trace: { type: 'object', properties: { trace_id: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' } } } },
    },
    monitor_config: { type: ['object', 'null'] },
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const validate = ajv.compile<SentryCheckinPayload>(schema);
const validateConfig = ajv.compile<{ monitor_config?: SentryMonitorConfig | null }>(monitorConfigSchema);

function describe(error: ErrorObject): { field: string; message: string } {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const field = [path, String(error.params['missingProperty'])].filter(Boolean).join('.');
    return { field, message: `${field} is required` };
  }
  if (error.keyword === 'enum') return { field: path, message: `${path} must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}` };
  if (error.keyword === 'oneOf' || error.keyword === 'const')
    return {
      field: path,
      message: `${path} must be {"type":"crontab","value":"<crontab>"} or {"type":"interval","value":<n>,"unit":"minute|hour|day|week|month|year"}`,
    };
  return { field: path, message: `${path || 'check-in'} ${error.message ?? 'is invalid'}` };
}

/**
 * Refuses a string Postgres or ClickHouse cannot hold (a NUL, a lone surrogate) anywhere under `value`, naming
 * its field: Postgres would refuse it downstream, where a consumer can only retry or drop the message.
 */
export function refuseUnstorableText(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    if (problem === null) return;
    const what = problem === 'nul' ? 'NUL characters' : 'lone UTF-16 surrogates (text that is not Unicode)';
    throw new DomainError('invalid', 'invalid_text', `${path} must not contain ${what}`, path);
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => refuseUnstorableText(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) refuseUnstorableText(item, path === '' ? key : `${path}.${key}`);
  }
}

/** The fields of a check-in that are stored (contexts.trace.trace_id is hex by its pattern); others are ignored, as Sentry ignores them. */
const STORED_FIELDS = ['check_in_id', 'monitor_slug', 'status', 'environment', 'release'] as const;

/** Validates a check-in payload; throws a DomainError naming the field and the rule. */
export function parseSentryCheckin(value: unknown): SentryCheckinPayload {
  if (validate(value)) {
    for (const field of STORED_FIELDS) refuseUnstorableText(value[field], field);
    return value;
  }
  throw firstError(validate.errors, 'invalid_checkin');
}

/**
 * Validates a check-in's `monitor_config` (null or absent: none); throws a DomainError `invalid_monitor_config`
 * naming the field and the rule. Its semantic checks and normalisation are `toMonitorConfigUpdate`'s.
 */
export function parseMonitorConfig(value: unknown): SentryMonitorConfig | null {
  if (value === undefined || value === null) return null;
  const wrapped: unknown = { monitor_config: value };
  if (!validateConfig(wrapped)) throw firstError(validateConfig.errors, 'invalid_monitor_config');
  refuseUnstorableText(value, 'monitor_config');
  return wrapped.monitor_config ?? null;
}

function firstError(errors: ErrorObject[] | null | undefined, code: string): DomainError {
  // A schedule that fits neither form is reported at the schedule, not at whichever branch failed first.
  const first = errors?.find((e) => e.keyword === 'oneOf') ?? errors?.[0];
  const { field, message } = first ? describe(first) : { field: '', message: 'check-in is invalid' };
  return new DomainError('invalid', code, message, field || undefined);
}

/** Sentry slugifies monitor slugs the SDKs send; so do we, and reject what is left empty. */
const PLAIN_SLUG = /^[a-z0-9_-]{1,50}$/;
/** Relay's limit (relay-monitors `SLUG_LENGTH`): a longer slug is cut to it, in characters, before it is slugified. */
export const MAX_MONITOR_SLUG_LENGTH = 50;

export function slugify(raw: string): string {
  if (PLAIN_SLUG.test(raw) && raw[0] !== '-' && raw[raw.length - 1] !== '-') return raw;
  const cut = [...raw].slice(0, MAX_MONITOR_SLUG_LENGTH).join('');
  const slug = cut
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    // Decomposition can lengthen it (`ﬁ` is `fi`): still at most 50.
    .slice(0, MAX_MONITOR_SLUG_LENGTH)
    .replace(/-+$/, '');
  if (slug === '') throw new DomainError('invalid', 'invalid_checkin', `monitor_slug "${raw}" has no letters or digits`, 'monitor_slug');
  return slug;
}

/** The all-zero check_in_id: "the latest in-progress check-in of this monitor-environment, or a new one". */
export function isNilUuid(raw: string): boolean {
  return /^[0-]+$/.test(raw);
}

/** check_in_id in canonical dashed lower-case form (SDKs send 32 hex digits without dashes). */
export function canonicalUuid(raw: string): string {
  const hex = raw.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
