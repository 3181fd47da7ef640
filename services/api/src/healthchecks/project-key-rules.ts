import { DomainError } from '@vigil/errors';
import type { ProjectKeyGrant } from '../project-api-keys/project-api-key.repository';

/** What an endpoint of the Healthchecks API needs: any key of the project, or a read-write one. */
export type KeyNeed = 'read' | 'read-write';

/**
 * The key a request sends, as Healthchecks reads it: the `X-Api-Key` header or, for endpoints that need a
 * read-write key, `api_key` in a JSON body. None is a 401.
 */
export function apiKeyOf(header: string | undefined, body: unknown, needs: KeyNeed): string {
  const fromBody =
    needs === 'read-write' && typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['api_key'] : undefined;
  const key = header !== undefined && header !== '' ? header : typeof fromBody === 'string' ? fromBody : '';
  if (key === '') throw new DomainError('unauthorized', 'missing_api_key', 'send a project API key as "X-Api-Key: <key>"', 'X-Api-Key');
  return key;
}

/**
 * The grant of a key that fits the need. An unknown or revoked key, and a read-only key where a read-write one
 * is needed, are 401 (Healthchecks' answer to both), each with its own code.
 */
export function requireFittingKey(grant: ProjectKeyGrant | null, needs: KeyNeed): ProjectKeyGrant {
  if (!grant) throw new DomainError('unauthorized', 'invalid_api_key', 'the API key is not valid or was revoked', 'X-Api-Key');
  if (needs === 'read-write' && grant.readOnly) {
    throw new DomainError('unauthorized', 'read_only_api_key', 'this is a read-only API key; this endpoint needs a read-write key of the project', 'X-Api-Key');
  }
  return grant;
}
