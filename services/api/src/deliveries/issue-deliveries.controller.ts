import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM, PER_PAGE_QUERY } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import { DeliveryReadRepository } from './delivery-read.repository';
import { presentDelivery } from './delivery.presenter';
import { DELIVERY } from './delivery.schemas';

/** Every alert of one issue (its opening and its resolution, per integration) with every attempt (Bearer token). */
@Controller('api/0/organizations/:org/issues/:issueId/deliveries')
export class IssueDeliveriesController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly deliveries: DeliveryReadRepository,
  ) {}

  /** Newest first; an issue nobody was notified about (or of another organization) has none. */
  @Get()
  @Endpoint({
    summary: "List an issue's deliveries",
    auth: 'bearer',
    params: { ...ORG_PARAM, issueId: { description: 'The issue id (uuid).' } },
    query: PER_PAGE_QUERY,
    response: { status: 200, description: 'Newest first, each with every attempt.', schema: arrayOf(DELIVERY) },
  })
  async list(
    @Param('org') org: string,
    @Param('issueId') issueId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') limit: number,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const issue = pathId(issueId, 'issue', 'unknown_issue', 'issue');
    return (await this.deliveries.forIssue(grant.organizationId, issue, limit)).map(presentDelivery);
  }
}
