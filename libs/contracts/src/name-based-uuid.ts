import { createHash } from 'node:crypto';

/**
 * A name-based UUID (version 5, RFC 9562: SHA-1 of a namespace and a name). Ids derived this way are the
 * same every time the same input is processed (after a restart, on another instance), which is what lets a
 * consumer drop a repeated message by its id. `namespace` is 16 bytes (a UUID's); changing it changes
 * every id derived with it.
 */
export function nameBasedUuid(namespace: Buffer, name: string): string {
  if (namespace.length !== 16) throw new Error(`a UUID namespace is 16 bytes, got ${namespace.length}`);
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Changing it would change the id every new monitor gets: never change it. */
const MONITOR_NAMESPACE = Buffer.from('4f1c2a7e9b3d4c58a6e0d2b7c9f1e3a5', 'hex');

/**
 * The id a monitor of this project and slug gets when it is created (by a check-in's `monitor_config`, a ping
 * URL with `?create=1`, or the APIs), unless a monitor renamed away from that slug already has it. Ingest
 * publishes a check-in for a slug it does not know under this id (`monitor_existence: 'unconfirmed'`), so it
 * lands on the partition of the monitor a concurrent check-in may be creating (decision 0021).
 */
export function monitorIdFor(projectId: number, slug: string): string {
  return nameBasedUuid(MONITOR_NAMESPACE, `${projectId}/${slug}`);
}

/** Changing it would change the ids of confirmed copies: never change it. */
const CONFIRMED_NAMESPACE = Buffer.from('a3d95e0c1b7f4e26b8c4f60d2e9a7b13', 'hex');

/** The `event_id` of the scheduler's confirmed copy of an unconfirmed check-in (decision 0021). */
export function confirmedCheckinEventId(unconfirmedEventId: string): string {
  return nameBasedUuid(CONFIRMED_NAMESPACE, unconfirmedEventId);
}
