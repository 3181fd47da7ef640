import type { ProjectApiKeyEntity } from '@vigil/db';

/** A key as the API lists it: never the secret, only its prefix. */
export function presentProjectApiKey(key: ProjectApiKeyEntity): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.keyPrefix,
    read_only: key.readOnly,
    dateCreated: key.createdAt.toISOString(),
    lastUsed: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
    dateRevoked: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
