import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a secret that is stored hashed (API tokens). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A DSN public key: 32 hex characters, like Sentry's. */
export function newPublicKey(): string {
  return randomBytes(16).toString('hex');
}

/** A project ping key: 22 URL-safe characters, like Healthchecks'. */
export function newPingKey(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/** An API token: a recognisable prefix and 40 random hex characters. */
export function newApiToken(): string {
  return `vgl_${randomBytes(20).toString('hex')}`;
}

/** What is shown of an API token after it was made: `vgl_` and its first 8 random characters. */
export function apiTokenPrefix(token: string): string {
  return token.slice(0, 12);
}
