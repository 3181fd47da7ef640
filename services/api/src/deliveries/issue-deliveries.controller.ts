import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { OrganizationAccess } from '../auth/organization-access';
import { pathId } from '../common/request-body';
import { perPage } from '../monitors/monitors.controller';
import { DeliveryReadRepository } from './delivery-read.repository';
import { presentDelivery } from './delivery.presenter';

/** Every alert of one issue (its opening and its resolution, per integration) with every attempt (Bearer token). */
@Controller('api/0/organizations/:org/issues/:issueId/deliveries')
export class IssueDeliveriesController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly deliveries: DeliveryReadRepository,
  ) {}

  /** Newest first; an issue nobody was notified about (or of another organization) has none. */
  @Get()
  async list(
    @Param('org') org: string,
    @Param('issueId') issueId: string,
    @Headers('authorization') authorization: string | undefined,
    @Query('per_page') rawPerPage: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const limit = perPage(rawPerPage);
    const issue = pathId(issueId, 'issue', 'unknown_issue', 'issue');
    return (await this.deliveries.forIssue(grant.organizationId, issue, limit)).map(presentDelivery);
  }
}
