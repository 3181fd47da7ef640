import { DomainError } from '@vigil/errors';
import { objectBody, onlyFields } from '../common/request-body';
import { parseName } from '../common/slug';

const FIELDS = ['name'] as const;
export const KEY_STATUSES = ['active', 'inactive'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** `{"name": "..."}` (optional when creating: `Default`); Sentry's field name for a key's label. */
export function parseKeyCreate(raw: unknown): { name: string } {
  const body = raw === undefined || raw === null ? {} : objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  return { name: body['name'] === undefined ? 'Default' : parseName(body['name'], 'name') };
}

export function parseKeyUpdate(raw: unknown): { name?: string } {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  return body['name'] === undefined ? {} : { name: parseName(body['name'], 'name') };
}

/** `?status=active|inactive`, as Sentry filters keys; left out, every key. */
export function parseKeyStatus(raw: string | undefined): KeyStatus | undefined {
  if (raw === undefined) return undefined;
  if (!(KEY_STATUSES as readonly string[]).includes(raw))
    throw new DomainError('invalid', 'invalid_status', `status must be one of ${KEY_STATUSES.join(', ')}`, 'status');
  return raw as KeyStatus;
}
