import { randomBytes } from 'node:crypto';
import { INTEGRATION_TYPES, type IntegrationType } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';

/**
 * The configuration of each channel, as the API receives and stores it (field names as clients write them).
 * `parseIntegrationConfig` is the one gate: the API calls it on create and update (a DomainError becomes a
 * 400 naming the field), and the notifier trusts what it stored.
 */

// One list of channels, in the contracts: the dead-letter topic and the `integrations` table carry it too.
export { INTEGRATION_TYPES, type IntegrationType };

/** PagerDuty Events API v2 severities. */
export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];
/** A missed or failed cron job pages by default; users lower it per integration. */
export const DEFAULT_PAGERDUTY_SEVERITY: PagerDutySeverity = 'critical';

export const MAX_EMAIL_RECIPIENTS = 20;
export const MAX_URL_LENGTH = 2048;
export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 256;
export const PAGERDUTY_ROUTING_KEY_LENGTH = 32;

export interface EmailIntegrationConfig {
  type: 'email';
  /** 1 to MAX_EMAIL_RECIPIENTS addresses, duplicates removed (case-insensitively). */
  to: string[];
}

export interface SlackIntegrationConfig {
  type: 'slack';
  /** A Slack incoming webhook URL (or any receiver of the same format). It is a credential. */
  webhook_url: string;
}

export interface PagerDutyIntegrationConfig {
  type: 'pagerduty';
  /** The integration key of an Events API v2 integration on a PagerDuty service. It is a credential. */
  routing_key: string;
  severity: PagerDutySeverity;
}

export interface WebhookIntegrationConfig {
  type: 'webhook';
  url: string;
  /** Signs every request (see docs/webhooks.md). It is a credential. */
  secret: string;
}

export type IntegrationConfig = EmailIntegrationConfig | SlackIntegrationConfig | PagerDutyIntegrationConfig | WebhookIntegrationConfig;

/** The stable error code of every rejected integration config; `field` names the field at fault. */
export const INVALID_INTEGRATION_CONFIG = 'invalid_integration_config';

export interface ParseOptions {
  /** Put before every field name in errors, e.g. `config.` when the config is nested in a request body. */
  fieldPrefix?: string;
}

const FIELDS: Readonly<Record<IntegrationType, readonly string[]>> = {
  email: ['type', 'to'],
  slack: ['type', 'webhook_url'],
  pagerduty: ['type', 'routing_key', 'severity'],
  webhook: ['type', 'url', 'secret'],
};

/**
 * A practical address rule, not RFC 5322: no spaces, quotes, brackets or separators in the local part, and
 * a domain of dot-separated labels with at least one dot. Anything stranger is rejected rather than guessed.
 */
const EMAIL = /^[^\s@<>()[\],;:"\\]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ROUTING_KEY = new RegExp(`^[A-Za-z0-9]{${PAGERDUTY_ROUTING_KEY_LENGTH}}$`);
/** Printable ASCII without spaces: a secret that survives copy and paste between systems. */
const SECRET = /^[\x21-\x7e]+$/;

/**
 * Validates an integration config, returning it normalized (defaults filled, fields trimmed, recipients
 * deduplicated). Rules:
 * - `type` is one of INTEGRATION_TYPES; a field not defined for the type is rejected (a typo must not be
 *   silently ignored);
 * - email: `to` is a list of 1 to MAX_EMAIL_RECIPIENTS addresses;
 * - slack: `webhook_url`, and webhook: `url`, are absolute http or https URLs of at most MAX_URL_LENGTH
 *   characters with a host and no user name or password (credentials in a URL end up in logs);
 * - pagerduty: `routing_key` is exactly 32 letters or digits; `severity` is optional (default critical);
 * - webhook: `secret` is 16 to 256 printable ASCII characters without spaces.
 * Throws a DomainError (`invalid`, INVALID_INTEGRATION_CONFIG) whose `field` names the first bad field and
 * whose message states the rule. Values of credential fields are never echoed.
 */
export function parseIntegrationConfig(input: unknown, options: ParseOptions = {}): IntegrationConfig {
  const prefix = options.fieldPrefix ?? '';
  const fail = (field: string, rule: string): never => {
    throw new DomainError('invalid', INVALID_INTEGRATION_CONFIG, `${prefix}${field} ${rule}`, `${prefix}${field}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const whole = prefix.replace(/\.$/, '');
    throw new DomainError('invalid', INVALID_INTEGRATION_CONFIG, `${whole || 'integration config'} must be an object`, whole || undefined);
  }
  const raw = input as Record<string, unknown>;
  const type = raw['type'];
  if (typeof type !== 'string' || !(INTEGRATION_TYPES as readonly string[]).includes(type)) {
    return fail('type', `must be one of ${INTEGRATION_TYPES.join(', ')}`);
  }
  const kind = type as IntegrationType;
  for (const key of Object.keys(raw)) {
    if (!FIELDS[kind].includes(key)) fail(key, `is not a field of a ${kind} integration (allowed: ${FIELDS[kind].join(', ')})`);
  }
  switch (kind) {
    case 'email':
      return { type: kind, to: parseRecipients(raw['to'], fail) };
    case 'slack':
      return { type: kind, webhook_url: parseUrl(raw['webhook_url'], 'webhook_url', fail) };
    case 'pagerduty': {
      const key = raw['routing_key'];
      if (typeof key !== 'string' || !ROUTING_KEY.test(key.trim())) {
        fail(
          'routing_key',
          `is required: the ${PAGERDUTY_ROUTING_KEY_LENGTH}-character integration key (letters and digits) of a PagerDuty Events API v2 integration`,
        );
      }
      const severity = raw['severity'] ?? DEFAULT_PAGERDUTY_SEVERITY;
      if (typeof severity !== 'string' || !(PAGERDUTY_SEVERITIES as readonly string[]).includes(severity)) {
        fail('severity', `must be one of ${PAGERDUTY_SEVERITIES.join(', ')}`);
      }
      return { type: kind, routing_key: (key as string).trim(), severity: severity as PagerDutySeverity };
    }
    case 'webhook': {
      const url = parseUrl(raw['url'], 'url', fail);
      const secret = raw['secret'];
      if (typeof secret !== 'string' || secret.length < WEBHOOK_SECRET_MIN_LENGTH || secret.length > WEBHOOK_SECRET_MAX_LENGTH || !SECRET.test(secret)) {
        fail('secret', `is required: ${WEBHOOK_SECRET_MIN_LENGTH} to ${WEBHOOK_SECRET_MAX_LENGTH} printable ASCII characters without spaces`);
      }
      return { type: kind, url, secret: secret as string };
    }
  }
}

type Fail = (field: string, rule: string) => never;

function parseRecipients(value: unknown, fail: Fail): string[] {
  if (!Array.isArray(value) || value.length === 0) return fail('to', `must be a list of 1 to ${MAX_EMAIL_RECIPIENTS} email addresses`);
  if (value.length > MAX_EMAIL_RECIPIENTS) return fail('to', `may hold at most ${MAX_EMAIL_RECIPIENTS} addresses`);
  const seen = new Set<string>();
  const addresses: string[] = [];
  value.forEach((entry: unknown, index) => {
    const address = typeof entry === 'string' ? entry.trim() : '';
    if (!EMAIL.test(address)) fail(`to[${index}]`, 'must be an email address like ops@example.com');
    if (seen.has(address.toLowerCase())) return;
    seen.add(address.toLowerCase());
    addresses.push(address);
  });
  return addresses;
}

function parseUrl(value: unknown, field: string, fail: Fail): string {
  const rule = `must be an absolute http or https URL of at most ${MAX_URL_LENGTH} characters`;
  if (typeof value !== 'string' || value.trim() === '' || value.trim().length > MAX_URL_LENGTH) return fail(field, rule);
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail(field, rule);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return fail(field, rule);
  if (url.username !== '' || url.password !== '') return fail(field, 'must not contain a user name or password');
  return url.toString();
}

/** A new webhook secret: 32 random bytes, base64url, with a prefix that makes it recognizable in a leak scan. */
export function generateWebhookSecret(): string {
  return `vigil_whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * Where an integration delivers, safe to log and to store with an attempt: the URL's origin only (a Slack
 * webhook URL's path is its credential), or the number of email recipients.
 */
export function describeTarget(config: IntegrationConfig): string {
  switch (config.type) {
    case 'email':
      return `email:${config.to.length} recipient${config.to.length === 1 ? '' : 's'}`;
    case 'slack':
      return `slack:${new URL(config.webhook_url).origin}`;
    case 'pagerduty':
      return `pagerduty:…${config.routing_key.slice(-4)}`;
    case 'webhook':
      return `webhook:${new URL(config.url).origin}`;
  }
}

/**
 * The config as an API response shows it: the webhook secret and the Slack URL's path (its credential)
 * masked, the routing key cut to its last four characters. For logs use `describeTarget`.
 */
export function redactIntegrationConfig(config: IntegrationConfig): IntegrationConfig {
  switch (config.type) {
    case 'email':
      return config;
    case 'slack':
      return { ...config, webhook_url: `${new URL(config.webhook_url).origin}/[REDACTED]` };
    case 'pagerduty':
      return { ...config, routing_key: `[REDACTED]${config.routing_key.slice(-4)}` };
    case 'webhook':
      return { ...config, secret: '[REDACTED]' };
  }
}
