import { Body, Controller, Delete, Get, Headers, Param, Post, Put, Query } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { linksById, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import { ProjectRepository } from '../projects/project.repository';
import { AlertRuleRepository, type AlertRuleView } from './alert-rule.repository';
import { AlertRuleService } from './alert-rule.service';
import { presentAlertRule } from './alert-rule.presenter';
import { ALERT_RULE, ALERT_RULE_CREATE, ALERT_RULE_UPDATE } from './alert-rule.schemas';

type Auth = string | undefined;
const ID_PARAMS = { ...ORG_PARAM, id: { description: 'The alert rule id (uuid).' } };

/**
 * Alert rules (Bearer token; changes need the write scope): which issue transitions of a project, or of one of
 * its monitors, go to which integration, for which environments, on open and on resolve.
 */
@Controller('api/0/organizations/:org/alert-rules')
export class AlertRulesController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly rules: AlertRuleRepository,
    private readonly service: AlertRuleService,
    private readonly projects: ProjectRepository,
  ) {}

  /** Every rule of the organization, or of one project (`?project=<slug or id>`). */
  @Get()
  @Endpoint({
    summary: 'List alert rules',
    paged: true,
    auth: 'bearer',
    params: ORG_PARAM,
    query: { project: { description: 'Only the rules of this project (slug or id).', schema: { type: 'string', minLength: 1 } } },
    response: { status: 200, description: 'The rules.', schema: arrayOf(ALERT_RULE) },
  })
  async list(
    @Param('org') org: string,
    @Headers('authorization') authorization: Auth,
    @Query('project') projectRef: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org);
    const projectId = projectRef === undefined ? null : (await this.projects.get(grant.organizationId, projectRef)).id;
    return (await this.rules.list(grant.organizationId, projectId)).map(presentAlertRule);
  }

  @Post()
  @Endpoint({
    summary: 'Create an alert rule',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: ALERT_RULE_CREATE },
    response: {
      status: 201,
      description: 'The rule.',
      schema: ALERT_RULE,
      links: linksById({ GetAlertRule: 'AlertRules_get', UpdateAlertRule: 'AlertRules_update', DeleteAlertRule: 'AlertRules_remove' }),
    },
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    return presentAlertRule(await this.service.create(grant.organizationId, body));
  }

  @Get(':id')
  @Endpoint({ summary: 'Get an alert rule', auth: 'bearer', params: ID_PARAMS, response: { status: 200, description: 'The rule.', schema: ALERT_RULE } })
  async get(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org);
    return presentAlertRule(await this.find(grant.organizationId, id));
  }

  /** Changes the fields sent; fields left out keep their values. */
  @Put(':id')
  @Endpoint({
    summary: 'Update an alert rule',
    description: 'Changes the fields sent; fields left out keep their values.',
    auth: 'bearer',
    params: ID_PARAMS,
    body: { schema: ALERT_RULE_UPDATE },
    response: { status: 200, description: 'The rule.', schema: ALERT_RULE },
  })
  async update(
    @Param('org') org: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    return presentAlertRule(await this.service.update(grant.organizationId, await this.find(grant.organizationId, id), body));
  }

  @Delete(':id')
  @Endpoint({ summary: 'Delete an alert rule', auth: 'bearer', params: ID_PARAMS, response: { status: 204, description: 'Deleted.' } })
  async remove(@Param('org') org: string, @Param('id') id: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'alerts:write');
    await this.rules.delete((await this.find(grant.organizationId, id)).rule.id);
  }

  private async find(organizationId: string, id: string): Promise<AlertRuleView> {
    const view = await this.rules.find(organizationId, pathId(id, 'alert rule', 'unknown_alert_rule', 'alert_rule'));
    if (!view) throw new DomainError('not_found', 'unknown_alert_rule', `alert rule "${id}" not found`, 'alert_rule');
    return view;
  }
}
