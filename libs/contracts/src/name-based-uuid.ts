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
