import { Injectable } from '@nestjs/common';
import type { ApiTokenScope } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { ApiTokenRepository, type TokenGrant } from './api-token.repository';

/**
 * Bearer-token access to one organization. Another organization's slug answers 404 whether or not it
 * exists, so a token cannot be used to discover other organizations.
 */
@Injectable()
export class OrganizationAccess {
  constructor(private readonly tokens: ApiTokenRepository) {}

  /** `needs: 'write'` for changes: a read token gets 403. */
  async authorize(authorization: string | undefined, organizationSlug: string, needs: ApiTokenScope = 'read'): Promise<TokenGrant> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new DomainError('unauthorized', 'missing_token', 'send an API token as "Authorization: Bearer <token>"', 'authorization');
    const grant = await this.tokens.findGrant(token);
    if (!grant) throw new DomainError('unauthorized', 'invalid_token', 'the API token is not valid or was revoked', 'authorization');
    if (grant.organizationSlug !== organizationSlug) throw new DomainError('not_found', 'unknown_organization', `organization "${organizationSlug}" not found`, 'organization');
    if (needs === 'write' && grant.scope !== 'write') throw new DomainError('forbidden', 'insufficient_scope', 'this API token may only read; changes need a token with the write scope', 'authorization');
    return grant;
  }
}
