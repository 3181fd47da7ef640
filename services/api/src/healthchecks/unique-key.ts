import { createHash } from 'node:crypto';

/**
 * What a read-only key sees instead of a check's uuid (which is its ping credential): a SHA-1 of the first half
 * of the uuid's hex digits, as Healthchecks derives it, so it names the check without revealing the uuid.
 */
export function uniqueKeyOf(pingUuid: string): string {
  return createHash('sha1').update(pingUuid.replace(/-/g, '').toLowerCase().slice(0, 16)).digest('hex');
}

export const UNIQUE_KEY = /^[0-9a-f]{40}$/;
