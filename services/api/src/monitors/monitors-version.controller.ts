import { Controller, Get, Headers, Param } from '@nestjs/common';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { objectOf } from '../common/openapi/json-schema';
import { MonitorsVersionRepository } from './monitors-version.repository';

const MONITORS_VERSION = objectOf(
  {
    version: {
      type: 'string',
      description: 'Opaque. The same while nothing the monitors show changed (it may change without a visible change).',
    },
  },
  ['version'],
  "A version of the organization's monitors: read the list again when it changes.",
);

/** Whether anything an organization's monitors show changed (Bearer token, `org:read`): what a live list polls. */
@Controller('api/0/organizations/:org/monitors-version')
export class MonitorsVersionController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly versions: MonitorsVersionRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: "Get the version of the organization's monitors",
    description:
      "Changes when history records a check-in or a state change, or a monitor, an environment's settings, an open issue, a project, a member or a team changes. A client that shows the monitors (the dashboard's live list) polls this and reads the list again only when it changed. Times that move by themselves (the next expected check-in, a timeline's buckets) are the client's to follow.",
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'The version.', schema: MONITORS_VERSION },
  })
  async get(@Param('org') org: string, @Headers('authorization') authorization: string | undefined): Promise<{ version: string }> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return { version: await this.versions.version(grant.organizationId) };
  }
}
