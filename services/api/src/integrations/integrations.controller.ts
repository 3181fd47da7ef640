import { Body, Controller, Delete, Get, Headers, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@vigil/errors';
import type { IntegrationEntity } from '@vigil/db';
import type { TokenGrant } from '../auth/api-token.repository';
import { OrganizationAccess } from '../auth/organization-access';
import { linksById, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pageByOffset } from '../common/pagination/link-header';
import { LINK_HEADER, PAGE_QUERY, type PageQuery } from '../common/pagination/pagination.schemas';
import { pathId } from '../common/request-body';
import { DeliveryReadRepository } from '../deliveries/delivery-read.repository';
import { presentDelivery } from '../deliveries/delivery.presenter';
import { DELIVERY } from '../deliveries/delivery.schemas';
import { parseIntegrationCreate, parseIntegrationUpdate } from './integration-input';
import { IntegrationRepository } from './integration.repository';
import { presentIntegration, storedConfig } from './integration.presenter';
import { INTEGRATION, INTEGRATION_CREATE, INTEGRATION_UPDATE, TEST_NOTIFICATION } from './integration.schemas';
import { SendTestNotification } from './send-test-notification.usecase';

type Auth = string | undefined;
const ID_PARAMS = { ...ORG_PARAM, id: { description: 'The integration id (uuid).' } };

/**
 * An organization's integrations (Bearer token; changes need the write scope): where alerts go. Configs are
 * validated by `parseIntegrationConfig` (a 400 names the field, e.g. `config.routing_key`) and shown redacted.
 */
@Controller('api/0/organizations/:org/integrations')
export class IntegrationsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly integrations: IntegrationRepository,
    private readonly deliveries: DeliveryReadRepository,
    private readonly testNotification: SendTestNotification,
  ) {}

  @Get()
  @Endpoint({
    summary: 'List integrations',
    paged: true,
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'Every integration of the organization.', schema: arrayOf(INTEGRATION) },
  })
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.integrations.list(grant.organizationId)).map(presentIntegration);
  }

  @Post()
  @Endpoint({
    summary: 'Create an integration',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: INTEGRATION_CREATE },
    response: {
      status: 201,
      description: 'The integration, credentials redacted.',
      schema: INTEGRATION,
      links: linksById({
        GetIntegration: 'Integrations_get',
        UpdateIntegration: 'Integrations_update',
        DeleteIntegration: 'Integrations_remove',
        TestIntegration: 'Integrations_test',
        IntegrationDeliveries: 'Integrations_deliveriesOf',
      }),
    },
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    const input = parseIntegrationCreate(body);
    return presentIntegration(await this.integrations.create(grant.organizationId, input.name, input.config));
  }

  @Get(':id')
  @Endpoint({
    summary: 'Get an integration',
    auth: 'bearer',
    params: ID_PARAMS,
    response: { status: 200, description: 'The integration, credentials redacted.', schema: INTEGRATION },
  })
  async get(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    return presentIntegration(await this.find(grant, id));
  }

  /** Changes the name and/or config fields sent; config fields left out keep their values. The type cannot change. */
  @Put(':id')
  @Endpoint({
    summary: 'Update an integration',
    description: 'Changes the name and/or the config fields sent; config fields left out keep their values. The type cannot change.',
    auth: 'bearer',
    params: ID_PARAMS,
    body: { schema: INTEGRATION_UPDATE },
    response: { status: 200, description: 'The integration, credentials redacted.', schema: INTEGRATION },
  })
  async update(
    @Param('org') org: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    const integration = await this.find(grant, id);
    return presentIntegration(await this.integrations.update(integration, parseIntegrationUpdate(body, storedConfig(integration))));
  }

  /** Its alert rules and its delivery history go with it. */
  @Delete(':id')
  @Endpoint({
    summary: 'Delete an integration',
    description: 'Its alert rules and delivery history go with it.',
    auth: 'bearer',
    params: ID_PARAMS,
    response: { status: 204, description: 'Deleted.' },
  })
  async remove(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    await this.integrations.delete(await this.find(grant, id));
  }

  /** Sends a test notification now and answers with the delivery and its attempts (`status` says how it went). */
  @Post(':id/test')
  @Endpoint({
    summary: 'Send a test notification',
    description: 'Sends now, up to 3 attempts within a few seconds; `status` of the answer says how it went.',
    auth: 'bearer',
    params: ID_PARAMS,
    body: { schema: TEST_NOTIFICATION, required: false },
    response: { status: 200, description: 'The delivery with its attempts.', schema: DELIVERY },
  })
  async test(
    @Param('org') org: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    return presentDelivery(await this.testNotification.send(grant, await this.find(grant, id), body));
  }

  /** The integration's deliveries, newest first, each with every attempt. */
  @Get(':id/deliveries')
  @Endpoint({
    summary: "List an integration's deliveries",
    auth: 'bearer',
    params: ID_PARAMS,
    query: PAGE_QUERY,
    response: {
      status: 200,
      description: 'Newest first, each with every attempt, a page at a time (`Link` header).',
      schema: arrayOf(DELIVERY),
      headers: LINK_HEADER,
    },
  })
  async deliveriesOf(
    @Param('org') org: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: PageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const integration = await this.find(grant, id);
    const page = await pageByOffset(request, reply, query, (offset, limit) =>
      this.deliveries.forIntegration(grant.organizationId, integration.id, offset, limit),
    );
    return page.map(presentDelivery);
  }

  private async find(grant: TokenGrant, id: string): Promise<IntegrationEntity> {
    const integration = await this.integrations.find(grant.organizationId, pathId(id, 'integration', 'unknown_integration', 'integration'));
    if (!integration) throw new DomainError('not_found', 'unknown_integration', `integration "${id}" not found`, 'integration');
    return integration;
  }
}
