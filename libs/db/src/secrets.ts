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

/**
 * A project API key: `vgw_` (read-write) or `vgr_` (read-only) and 28 random hex characters, 32 in all, the
 * length Healthchecks' keys have (its clients send them as they are).
 */
export function newProjectApiKey(readOnly: boolean): string {
  return `${readOnly ? 'vgr_' : 'vgw_'}${randomBytes(14).toString('hex')}`;
}

/** What is shown of a project API key after it was made: its kind and its first 8 random characters. */
export function projectApiKeyPrefix(key: string): string {
  return key.slice(0, 12);
}

/** A dashboard session token (the session cookie's value): `vgs_` and 64 random hex characters. */
export function newSessionToken(): string {
  return `vgs_${randomBytes(32).toString('hex')}`;
}

/** A dashboard invitation token (`vgi_` and 64 hex characters): the secret of an invite link, stored as SHA-256. */
export function newInviteToken(): string {
  return `vgi_${randomBytes(32).toString('hex')}`;
}

export function isInviteToken(token: string): boolean {
  return /^vgi_[0-9a-f]{64}$/.test(token);
}

export function isSessionToken(token: string): boolean {
  return token.startsWith('vgs_');
}
