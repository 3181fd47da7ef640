/**
 * Field names whose values are credentials. Any log field with one of these names (in any case) within the first
 * three levels, arrays and request headers included, and a child logger's binding of that name, is replaced
 * by "[REDACTED]".
 */
export const SENSITIVE_FIELDS = [
  'authorization',
  'x-sentry-auth',
  'x-api-key',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'token',
  'api_token',
  'sentry_key',
  'public_key',
  'ping_key',
  'ping_uuid',
  'dsn',
  // Integration credentials (notifier): a Slack webhook URL's path and a PagerDuty routing key grant posting.
  'webhook_url',
  'routing_key',
] as const;

export const REDACTED = '[REDACTED]';

const SENSITIVE = new Set<string>(SENSITIVE_FIELDS);

/** Levels below the log line's own fields that are searched: `token`, `config.token`, `req.headers.authorization`. */
const DEPTH = 3;

/**
 * A log line's fields with every value under a sensitive name (case-insensitive) within the first three levels
 * replaced by "[REDACTED]", arrays included. The caller's objects are never changed: an object that holds a
 * credential is copied along the way to it (keeping its prototype, so an Error stays an Error); everything else
 * is returned as it is. One walk over the keys, instead of pino's path matching, whose wildcard paths cost more
 * than the rest of a log call.
 */
export function redactFields<T>(value: T, depth = 1): T {
  if (value === null || typeof value !== 'object' || depth > DEPTH || ArrayBuffer.isView(value)) return value;
  let copy: Record<string, unknown> | null = null;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const inner = source[key];
    const next = SENSITIVE.has(key.toLowerCase()) ? REDACTED : redactFields(inner, depth + 1);
    if (next === inner) continue;
    copy ??= Array.isArray(source)
      ? ([...source] as unknown as Record<string, unknown>)
      : (Object.create(Object.getPrototypeOf(source) as object, Object.getOwnPropertyDescriptors(source)) as Record<string, unknown>);
    copy[key] = next;
  }
  return (copy ?? value) as T;
}

const UUID = '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}';

/**
 * Removes the credentials that Sentry and Healthchecks clients put into URLs: the `sentry_key` query
 * parameter, the key segment of DSN cron URLs, the ping key of slug ping URLs, the ping UUID itself
 * (which is the credential of a Healthchecks-style check) and the read-only key of a project's metrics URL.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:sentry_key|api_key|token)=)[^&#]*/gi, `$1${REDACTED}`)
    .replace(/(\/cron\/[^/?#]+\/)[^/?#]+/g, `$1${REDACTED}`)
    .replace(new RegExp(`(/ping/)${UUID}`, 'g'), `$1${REDACTED}`)
    .replace(/(\/ping\/)(?!\[REDACTED\])[^/?#]+(\/[^/?#]+)/g, `$1${REDACTED}$2`)
    .replace(/(\/projects\/[^/?#]+\/metrics\/)[^/?#]+/g, `$1${REDACTED}`);
}
