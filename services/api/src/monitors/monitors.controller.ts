import { Body, Controller, Delete, Get, Headers, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizationAccess } from '../auth/organization-access';
import { CheckinHistoryRepository } from '../checkins/checkin-history.repository';
import { RUN_KEY_CODEC } from '../checkins/run-key';
import { linksByValue, ORG_PARAM } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { parseCursor } from '../common/pagination/cursor';
import { keysetPage, keysetWindow } from '../common/pagination/keyset-pagination';
import { pageItems } from '../common/pagination/link-header';
import { LINK_HEADER } from '../common/pagination/pagination.schemas';
import { parseTimeRange, type TimeRangeQuery } from '../common/time-range';
import type { MonitorBody } from './monitor-input';
import { MonitorReadRepository, type MonitorView } from './monitor-read.repository';
import { presentCheckin, presentConfig } from './monitor.presenter';
import { expectedTimeOf, ruleOf } from '../monitor-environments/monitor-environment-state';
import { ScheduleRegistry } from '@vigil/schedule';
import {
  CHECKIN,
  CHECKIN_LIST_QUERY,
  MONITOR,
  MONITOR_CREATE,
  MONITOR_DELETE_DESCRIPTION,
  MONITOR_DELETE_QUERY,
  MONITOR_ENVIRONMENT_UPDATE,
  MONITOR_GET_QUERY,
  MONITOR_LIST_HEADERS,
  MONITOR_LIST_QUERY,
  MONITOR_UPDATE,
} from './monitor.schemas';
import { MonitorService, type MonitorListQuery } from './monitor.service';

type Auth = string | undefined;
export const SLUG_PARAMS = { ...ORG_PARAM, slug: { description: 'The monitor slug (or its id).' } };
const ENVIRONMENT_PARAMS = { ...SLUG_PARAMS, environment: { description: 'The environment name.' } };
const ENVIRONMENT_NAME = /^[^/\r\n\f\t\0]{1,64}$/;

/** Slot rules are shared and immutable: one registry for every request. */
const SCHEDULES = new ScheduleRegistry();

export interface EnvironmentQuery {
  environment?: string[];
}

export interface CheckinListQuery extends TimeRangeQuery {
  environment?: string[];
  cursor?: string;
  per_page: number;
}

/**
 * Sentry-shaped organization monitor endpoints (Bearer token): list (filters and cursor pages as Sentry's, which
 * `sentry-cli monitors list` follows), create, get, update, mute, delete, and each monitor's check-ins. Reads need
 * `org:read`, changes `monitors:write`. A change reaches ingest and the scheduler through Postgres NOTIFY.
 */
@Controller('api/0/organizations/:org/monitors')
export class MonitorsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly monitors: MonitorService,
    private readonly reads: MonitorReadRepository,
    private readonly history: CheckinHistoryRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: 'List monitors',
    description:
      'By name, or failing first with `sort=status`, a page at a time: follow the `Link` header\'s `rel="next"` while its `results` is "true". `X-Hits` says how many monitors match, all pages together.',
    auth: 'bearer',
    params: ORG_PARAM,
    query: MONITOR_LIST_QUERY,
    response: { status: 200, description: "A page of the organization's monitors.", schema: arrayOf(MONITOR), headers: MONITOR_LIST_HEADERS },
  })
  async list(
    @Param('org') org: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: MonitorListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const { page, hits, failing } = await this.monitors.listPage(grant.organizationId, query);
    void reply.header('x-hits', String(hits));
    if (failing !== null) void reply.header('x-failing', String(failing));
    const monitors = await this.reads.byIds(
      grant.organizationId,
      page.items.map((monitor) => monitor.id),
    );
    return pageItems(request, reply, { ...page, items: await this.monitors.present(grant.organizationId, monitors, nonEmpty(query.environment)) });
  }

  @Post()
  @Endpoint({
    summary: 'Create a monitor',
    description:
      'The slug is made from the name when left out (with a short suffix if that one is taken). Ingest and the scheduler know the monitor within moments: check-ins need no monitor_config.',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: MONITOR_CREATE },
    response: {
      status: 201,
      description: 'The monitor.',
      schema: MONITOR,
      links: linksByValue('slug', '$response.body#/slug', {
        GetMonitor: 'Monitors_get',
        UpdateMonitor: 'Monitors_update',
        DeleteMonitor: 'Monitors_remove',
        MonitorCheckins: 'Monitors_checkins',
      }),
    },
    errors: ['conflict'],
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: MonitorBody): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    const [shown] = await this.monitors.present(grant.organizationId, [await this.monitors.create(grant.organizationId, body)]);
    return shown!;
  }

  @Get(':slug')
  @Endpoint({
    summary: 'Get a monitor',
    description: '`?environment=` (repeatable) shows only those environments in `environments`, as Sentry does.',
    auth: 'bearer',
    params: SLUG_PARAMS,
    query: MONITOR_GET_QUERY,
    response: { status: 200, description: 'The monitor.', schema: MONITOR },
  })
  async get(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: EnvironmentQuery,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    const [shown] = await this.monitors.present(grant.organizationId, [await this.monitors.find(grant.organizationId, slug)], nonEmpty(query.environment));
    return shown!;
  }

  @Put(':slug')
  @Endpoint({
    summary: 'Update a monitor',
    description:
      'The fields sent change and the others keep their values, inside `config` too (Sentry\'s update). `{"isMuted": true}` mutes the monitor. A monitor cannot change project.',
    auth: 'bearer',
    params: SLUG_PARAMS,
    body: { schema: MONITOR_UPDATE },
    response: { status: 200, description: 'The monitor.', schema: MONITOR },
    errors: ['conflict'],
  })
  async update(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: MonitorBody,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    const [shown] = await this.monitors.present(grant.organizationId, [await this.monitors.update(grant.organizationId, slug, body)]);
    return shown!;
  }

  @Delete(':slug')
  @Endpoint({
    summary: 'Delete a monitor, or some of its environments',
    description: MONITOR_DELETE_DESCRIPTION,
    auth: 'bearer',
    params: SLUG_PARAMS,
    query: MONITOR_DELETE_QUERY,
    response: { status: 202, description: 'Deleted; ingest, the scheduler and history follow within moments.' },
  })
  async remove(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: EnvironmentQuery,
  ): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    await this.monitors.delete(grant.organizationId, slug, query.environment ?? []);
  }

  @Put(':slug/environments/:environment')
  @Endpoint({
    summary: 'Mute or unmute one environment of a monitor',
    description: '`{"isMuted": true}`: issues of this environment are recorded, nobody is notified. The environment must be one the monitor has.',
    auth: 'bearer',
    params: ENVIRONMENT_PARAMS,
    body: { schema: MONITOR_ENVIRONMENT_UPDATE },
    response: { status: 200, description: 'The monitor, with its environments.', schema: MONITOR },
  })
  async updateEnvironment(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Param('environment') environment: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: { is_muted?: boolean; isMuted?: boolean },
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'monitors:write');
    if (!ENVIRONMENT_NAME.test(environment)) throw new DomainError('not_found', 'unknown_environment', `environment "${environment}" not found`, 'environment');
    const [shown] = await this.monitors.present(grant.organizationId, [await this.monitors.setEnvironmentMuted(grant.organizationId, slug, environment, body)]);
    return shown!;
  }

  /** The monitor's check-ins, newest first, one entry per run. */
  @Get(':slug/checkins')
  @Endpoint({
    summary: "List a monitor's check-ins",
    description: 'Newest first, one entry per run, a page at a time (`Link` header). Runs started in the last 90 days unless a range is given.',
    auth: 'bearer',
    params: SLUG_PARAMS,
    query: CHECKIN_LIST_QUERY,
    response: { status: 200, description: 'A page of runs.', schema: arrayOf(CHECKIN), headers: LINK_HEADER },
  })
  async checkins(
    @Param('org') org: string,
    @Param('slug') slug: string,
    @Headers('authorization') authorization: Auth,
    @Query() query: CheckinListQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return listCheckins(this.history, this.reads, await this.monitors.find(grant.organizationId, slug), query, request, reply);
  }
}

/** `environment` query values, or null (no narrowing) when none was sent. */
export function nonEmpty(values: readonly string[] | undefined): readonly string[] | null {
  return values === undefined || values.length === 0 ? null : values;
}

/** A page of a monitor's runs as Sentry's check-ins, with the time each was expected at and the monitor's config. */
export async function listCheckins(
  history: CheckinHistoryRepository,
  reads: MonitorReadRepository,
  monitor: MonitorView,
  query: CheckinListQuery,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Record<string, unknown>[]> {
  const range = parseTimeRange(query, Date.now());
  const window = keysetWindow(RUN_KEY_CODEC, parseCursor(query.cursor), query.per_page);
  const rows = await history.listForMonitor(monitor.projectId, monitor.id, {
    environments: query.environment ?? [],
    range,
    window,
    dropped: await reads.drops(monitor.id),
  });
  const page = keysetPage(RUN_KEY_CODEC, rows, window, query.per_page, (row) => ({
    createdMs: row.date_created_ms,
    checkinId: row.checkin_id,
    environment: row.environment,
  }));
  const timing = { ...monitor.config, status: monitor.status };
  const rule = ruleOf(timing, SCHEDULES);
  const config = presentConfig(monitor);
  return pageItems(request, reply, {
    ...page,
    items: page.items.map((row) => presentCheckin(row, expectedTimeOf(rule, row.status, row.date_created_ms), config)),
  });
}
