import { createHash } from 'node:crypto';

/**
 * How many of a track's latest run results are remembered by fingerprint. A result the scheduler publishes
 * twice (it repeats a batch whose publication failed half-way) comes back within the results of that one
 * batch, far fewer than this for any one track, so the repeat is recognised.
 */
export const RECENT_RESULTS_KEPT = 256;

/**
 * A run result's event id as a 64-bit fingerprint (the first 8 bytes of its SHA-1, as a signed decimal: a
 * Postgres bigint). 256 of them take 2 KiB per track where the ids themselves would take up to 50 KiB.
 */
export function resultFingerprint(eventId: string): string {
  return createHash('sha1').update(eventId, 'utf8').digest().readBigInt64BE(0).toString();
}

/** The fingerprints after remembering one more, oldest dropped beyond `RECENT_RESULTS_KEPT`. */
export function remember(recent: readonly string[], fingerprint: string): string[] {
  const next = recent.length >= RECENT_RESULTS_KEPT ? recent.slice(recent.length - RECENT_RESULTS_KEPT + 1) : [...recent];
  next.push(fingerprint);
  return next;
}
