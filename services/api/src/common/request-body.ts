import { DomainError } from '@vigil/errors';

/** A JSON object body, or a 400: a body that is missing, an array or a scalar is refused. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('invalid', 'invalid_body', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Refuses fields the endpoint does not know, naming the first: a typo must not be silently ignored. */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[], code: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new DomainError('invalid', code, `${key} is not a field here (allowed: ${allowed.join(', ')})`, key);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id from a URL path: anything that is not a UUID cannot name a row, so it is a 404 like an unknown one. */
export function pathId(value: string, what: string, code: string, field: string): string {
  if (!UUID.test(value)) throw new DomainError('not_found', code, `${what} "${value}" not found`, field);
  return value.toLowerCase();
}
