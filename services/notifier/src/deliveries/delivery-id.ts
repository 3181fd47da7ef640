import { createHash } from 'node:crypto';

/** The namespace of delivery ids (a fixed random UUID): ids derived from the same key in another namespace differ. */
export const DELIVERY_ID_NAMESPACE = '4f0c3a7e-9b61-4d2a-8e5f-1c7b9d3e6a20';

/** A name-based UUID (version 5, RFC 9562): SHA-1 of the namespace's bytes and the name, version and variant set. */
export function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ledger's key of one issue transition through one integration. */
export function deliveryKey(eventId: string, integrationId: string): string {
  return `${eventId}:${integrationId}`;
}

/**
 * The delivery's id, derived from its key: a redelivered issue event computes the same id, and receivers see it
 * as `Vigil-Delivery` (webhooks), the Message-ID (email) and the webhook body's `event_id`.
 */
export function deliveryIdFor(idempotencyKey: string): string {
  return uuidV5(idempotencyKey, DELIVERY_ID_NAMESPACE);
}
