/**
 * Where Sentry clients put the DSN public key: the `X-Sentry-Auth` header (`Sentry sentry_key=...,`),
 * the `sentry_key` query parameter (what @sentry/node sends), or an `Authorization` header of the same form
 * or `DSN <dsn>`.
 */
export function sentryKeyFrom(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): string | undefined {
  for (const name of ['x-sentry-auth', 'authorization']) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const key = /sentry_key=([^,\s]+)/.exec(value)?.[1];
    if (key) return key;
    const dsn = /^DSN\s+(\S+)/i.exec(value)?.[1];
    if (dsn) {
      try {
        const user = new URL(dsn).username;
        if (user) return user;
      } catch {
        // not a URL: fall through
      }
    }
  }
  const fromQuery = query['sentry_key'];
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}
