import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { IntegrationEntity } from '@vigil/db';
import type { TokenGrant } from '../auth/api-token.repository';
import { OrganizationAccess } from '../auth/organization-access';
import { pathId } from '../common/request-body';
import { DeliveryReadRepository } from '../deliveries/delivery-read.repository';
import { presentDelivery } from '../deliveries/delivery.presenter';
import { perPage } from '../monitors/monitors.controller';
import { parseIntegrationCreate, parseIntegrationUpdate } from './integration-input';
import { IntegrationRepository } from './integration.repository';
import { presentIntegration, storedConfig } from './integration.presenter';
import { SendTestNotification } from './send-test-notification.usecase';

type Auth = string | undefined;

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
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    return (await this.integrations.list(grant.organizationId)).map(presentIntegration);
  }

  @Post()
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    const input = parseIntegrationCreate(body);
    return presentIntegration(await this.integrations.create(grant.organizationId, input.name, input.config));
  }

  @Get(':id')
  async get(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    return presentIntegration(await this.find(grant, id));
  }

  /** Changes the name and/or config fields sent; config fields left out keep their values. The type cannot change. */
  @Put(':id')
  async update(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    const integration = await this.find(grant, id);
    return presentIntegration(await this.integrations.update(integration, parseIntegrationUpdate(body, storedConfig(integration))));
  }

  /** Its alert rules and its delivery history go with it. */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    await this.integrations.delete(await this.find(grant, id));
  }

  /** Sends a test notification now and answers with the delivery and its attempts (`status` says how it went). */
  @Post(':id/test')
  @HttpCode(200)
  async test(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    return presentDelivery(await this.testNotification.send(grant, await this.find(grant, id), body));
  }

  /** The integration's deliveries, newest first, each with every attempt. */
  @Get(':id/deliveries')
  async deliveriesOf(
    @Param('org') org: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
    @Query('per_page') rawPerPage: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const limit = perPage(rawPerPage);
    const integration = await this.find(grant, id);
    return (await this.deliveries.forIntegration(grant.organizationId, integration.id, limit)).map(presentDelivery);
  }

  private async find(grant: TokenGrant, id: string): Promise<IntegrationEntity> {
    const integration = await this.integrations.find(grant.organizationId, pathId(id, 'integration', 'unknown_integration', 'integration'));
    if (!integration) throw new DomainError('not_found', 'unknown_integration', `integration "${id}" not found`, 'integration');
    return integration;
  }
}
