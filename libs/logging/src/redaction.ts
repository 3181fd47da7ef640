/**
 * Field names whose values are credentials. Any log field with one of these names, at any of the first
 * three levels or in request headers, is replaced by "[REDACTED]".
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

export function redactPaths(fields: readonly string[] = SENSITIVE_FIELDS): string[] {
  const paths: string[] = [];
  for (const field of fields) {
    const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : `["${field}"]`;
    const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
    paths.push(key.startsWith('[') ? `*${key}` : key, join('*'), join('*.*'));
    paths.push(join('req.headers'), join('res.headers'));
  }
  return paths;
}

const UUID = '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}';

/**
 * Removes the credentials that Sentry and Healthchecks clients put into URLs: the `sentry_key` query
 * parameter, the key segment of DSN cron URLs, the ping key of slug ping URLs and the ping UUID itself
 * (which is the credential of a Healthchecks-style check).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:sentry_key|api_key|token)=)[^&#]*/gi, `$1${REDACTED}`)
    .replace(/(\/cron\/[^/?#]+\/)[^/?#]+/g, `$1${REDACTED}`)
    .replace(new RegExp(`(/ping/)${UUID}`, 'g'), `$1${REDACTED}`)
    .replace(/(\/ping\/)(?!\[REDACTED\])[^/?#]+(\/[^/?#]+)/g, `$1${REDACTED}$2`);
}
