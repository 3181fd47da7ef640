import { Controller, Get, Headers, Param } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { permissionsOf } from '../auth/permissions';
import { OrganizationRepository } from './organization.repository';

/**
 * `GET /api/0/organizations/<org>/`: the organization, and what the calling token may do in it (`role`, and
 * `access`: its permissions, like Sentry's list of scopes), so a script can check before it tries.
 */
@Controller('api/0/organizations/:org')
export class OrganizationController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly organizations: OrganizationRepository,
  ) {}

  @Get()
  async get(@Param('org') org: string, @Headers('authorization') authorization: string | undefined): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const organization = await this.organizations.find(grant.organizationId);
    if (!organization) throw new DomainError('not_found', 'unknown_organization', `organization "${org}" not found`, 'organization');
    return {
      id: organization.id,
      slug: organization.slug,
      name: organization.name,
      dateCreated: organization.createdAt.toISOString(),
      role: grant.role,
      access: permissionsOf(grant.role),
    };
  }
}
