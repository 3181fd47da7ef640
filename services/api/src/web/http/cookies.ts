import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'vigil_session';
export const PRE_SESSION_CSRF_COOKIE = 'vigil_csrf';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  return header ? parseCookie(header)[name] : undefined;
}

/**
 * Sets a cookie: HttpOnly, SameSite=Lax, path /, and Secure when the request came over TLS (directly, or through
 * a proxy in VIGIL_TRUSTED_PROXIES that said so in X-Forwarded-Proto), so a session never travels in clear text
 * once the dashboard is served over HTTPS. `maxAgeSeconds` 0 deletes it.
 */
export function setCookie(request: FastifyRequest, reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void {
  const cookie = stringifySetCookie({
    name,
    value,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  });
  // Fastify appends Set-Cookie headers rather than replacing them.
  void reply.header('set-cookie', cookie);
}
