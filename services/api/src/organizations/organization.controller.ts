import { Controller, Get, Headers, Param } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { permissionsOf } from '../auth/permissions';
import { OrganizationRepository } from './organization.repository';
import { ORGANIZATION } from './organization.schemas';

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
  @Endpoint({
    summary: 'Get the organization',
    description: 'With the role and permissions of the calling token.',
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'The organization.', schema: ORGANIZATION },
  })
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
