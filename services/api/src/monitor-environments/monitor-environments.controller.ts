import { Controller, Get, Headers, Param } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import type { MonitorView } from '../monitors/monitor-read.repository';
import { MonitorService } from '../monitors/monitor.service';
import { environmentState, type MonitorTiming } from './monitor-environment-state';
import { MonitorEnvironmentRepository } from './monitor-environment.repository';
import { presentEnvironment } from './monitor-environment.presenter';
import { MONITOR_ENVIRONMENT } from './monitor-environment.schemas';

const SLUG_PARAMS = { ...ORG_PARAM, slug: { description: 'The monitor slug.' } };

/**
 * Each environment of a monitor (Bearer token): the scheduler's current state, the last check-in, the next
 * expected check-in and the next scheduled times in the monitor's time zone.
 */
@Controller('api/0/organizations/:org/monitors/:slug/environments')
export class MonitorEnvironmentsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorService,
    private readonly environments: MonitorEnvironmentRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: "List a monitor's environments with their state",
    auth: 'bearer',
    params: SLUG_PARAMS,
    response: {
      status: 200,
      description: 'Every environment the monitor has checked in, been judged or been muted in, by name.',
      schema: arrayOf(MONITOR_ENVIRONMENT),
    },
  })
  async list(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const found = await this.monitor(org, slug, authorization);
    const facts = await this.environments.facts(found.projectId, found.id, null);
    const now = Date.now();
    return [...facts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, known]) => presentEnvironment(environmentState(name, known, timingOf(found), now), found.config.timezone));
  }

  @Get(':environment')
  @Endpoint({
    summary: "Get a monitor's environment with its state",
    auth: 'bearer',
    params: { ...SLUG_PARAMS, environment: { description: 'The environment name.' } },
    response: { status: 200, description: 'The environment.', schema: MONITOR_ENVIRONMENT },
  })
  async get(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Param('environment') environment: string,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<Record<string, unknown>> {
    const found = await this.monitor(org, slug, authorization);
    const known = (await this.environments.facts(found.projectId, found.id, environment)).get(environment);
    if (!known) throw new DomainError('not_found', 'unknown_environment', `monitor "${slug}" has no environment "${environment}"`, 'environment');
    return presentEnvironment(environmentState(environment, known, timingOf(found), Date.now()), found.config.timezone);
  }

  private async monitor(org: string, slug: string, authorization: string | undefined): Promise<MonitorView> {
    const grant = await this.access.authorize(authorization, org);
    return this.monitors.find(grant.organizationId, slug);
  }
}

function timingOf(monitor: MonitorView): MonitorTiming {
  return { ...monitor.config, status: monitor.status, timeoutFromMargin: monitor.timeoutFromMargin };
}
