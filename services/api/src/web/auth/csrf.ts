import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens. Signed in: the token is an HMAC of the session token, which only the server and the HttpOnly
 * cookie know, so another site can neither read nor make it; every form carries it (`_csrf`) and htmx sends it
 * as `X-CSRF-Token`. Signed out (the sign-in form): a random value in a cookie that must match the form's
 * field (double submit). SameSite=Lax cookies are a second line: a cross-site POST carries no session.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('vigil-csrf-v1').digest('base64url');
}

export function newPreSessionCsrf(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
