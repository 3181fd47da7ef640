import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { ApiTokenRepository, type TokenGrant } from './api-token.repository';
import { effectiveRole, requireAllowed, type AccessNeed } from './permissions';

/**
 * Bearer-token access to one organization. Every endpoint states what it needs: a permission (`projects:write`,
 * `alerts:write`, ...; see `PERMISSIONS`) or, as before permissions existed, `read` or `write`. Another
 * organization's slug answers 404 whether or not it exists, so a token cannot be used to discover other
 * organizations, and that check comes before any 403, so a foreign token learns nothing from the difference.
 */
@Injectable()
export class OrganizationAccess {
  constructor(private readonly tokens: ApiTokenRepository) {}

  async authorize(authorization: string | undefined, organizationSlug: string, needs: AccessNeed = 'org:read'): Promise<TokenGrant> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new DomainError('unauthorized', 'missing_token', 'send an API token as "Authorization: Bearer <token>"', 'authorization');
    const found = await this.tokens.findGrant(token);
    if (!found) throw new DomainError('unauthorized', 'invalid_token', 'the API token is not valid or was revoked', 'authorization');
    if (found.organizationSlug !== organizationSlug)
      throw new DomainError('not_found', 'unknown_organization', `organization "${organizationSlug}" not found`, 'organization');
    requireAllowed(found, needs);
    return { ...found, role: effectiveRole(found) };
  }
}
