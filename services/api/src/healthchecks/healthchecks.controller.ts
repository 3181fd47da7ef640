import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { DataSource } from 'typeorm';
import type { FastifyReply } from 'fastify';
import { isUtf8 } from 'node:buffer';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import type { CheckSpec } from './check-spec';
import { HealthchecksChecks } from './healthchecks-checks.service';
import { API_KEY_BODY, CHANNEL_LIST, CHECK, CHECK_LIST, CHECK_SPEC, CHECKS_QUERY, FLIP_LIST, FLIPS_QUERY, PING_LIST } from './healthchecks.schemas';
import { Grant, ProjectKey } from './project-key.guard';
import type { ProjectKeyGrant } from '../project-api-keys/project-api-key.repository';

type SpecBody = CheckSpec & { api_key?: string };

const CODE = { code: { description: "The check's uuid." } };
const CODE_OR_KEY = { code: { description: "The check's uuid, or (read-only keys) its unique_key." } };
const RW = 'Needs a read-write key.';

/**
 * Healthchecks' Management API v3 (https://healthchecks.io/docs/api/) over Vigil's monitors: a project API key
 * (`X-Api-Key`, or `api_key` in a JSON body where a read-write key is needed) reaches that project's monitors,
 * as checks of their `production` environment. Errors are Vigil's JSON `{"error": {code, message, field}}`.
 */
@Controller('api/v3')
export class HealthchecksController {
  constructor(
    private readonly checks: HealthchecksChecks,
    private readonly dataSource: DataSource,
  ) {}

  @Get('checks')
  @Endpoint({
    summary: 'List checks',
    description: 'Any key of the project.',
    auth: 'api-key',
    query: CHECKS_QUERY,
    response: { status: 200, description: "The project's checks, oldest first.", schema: CHECK_LIST },
  })
  @ProjectKey('read')
  async list(
    @Grant() grant: ProjectKeyGrant,
    @Query('tag') tags: string[] | undefined,
    @Query('slug') slug: string | undefined,
  ): Promise<Record<string, unknown>> {
    return { checks: await this.checks.list(grant, tags ?? [], slug) };
  }

  @Post('checks')
  @Endpoint({
    summary: 'Create a check',
    description: `${RW} With \`unique\`, an existing check matching on those fields is updated instead (200).`,
    auth: 'api-key',
    body: { schema: CHECK_SPEC, required: false, integersAsWritten: true },
    response: { status: 201, description: 'Created.', schema: CHECK },
    otherResponses: [{ status: 200, description: 'An existing check matched `unique` and was updated.', schema: CHECK }],
    errors: ['conflict'],
  })
  @ProjectKey('read-write')
  async create(
    @Grant() grant: ProjectKeyGrant,
    @Body() body: SpecBody | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const { check, created } = await this.checks.create(grant, body ?? {});
    if (!created) void reply.status(200);
    return check;
  }

  @Get('checks/:code')
  @Endpoint({
    summary: 'Get a check',
    description: 'Any key of the project; read-only keys see `unique_key` instead of `uuid`.',
    auth: 'api-key',
    params: CODE_OR_KEY,
    response: { status: 200, description: 'The check.', schema: CHECK },
  })
  @ProjectKey('read')
  async get(@Grant() grant: ProjectKeyGrant, @Param('code') code: string): Promise<Record<string, unknown>> {
    return this.checks.get(grant, code);
  }

  @Post('checks/:code')
  @Endpoint({
    summary: 'Update a check',
    description: `${RW} Fields left out keep their values.`,
    auth: 'api-key',
    params: CODE,
    body: { schema: CHECK_SPEC, required: false, integersAsWritten: true },
    response: { status: 200, description: 'The check as it is now.', schema: CHECK },
    errors: ['conflict'],
  })
  @ProjectKey('read-write')
  async update(@Grant() grant: ProjectKeyGrant, @Param('code') code: string, @Body() body: SpecBody | undefined): Promise<Record<string, unknown>> {
    return this.checks.update(grant, code, body ?? {});
  }

  @Delete('checks/:code')
  @Endpoint({
    summary: 'Delete a check',
    description: `${RW} Its history stays in ClickHouse; its issues and alert rules go.`,
    auth: 'api-key',
    params: CODE,
    response: { status: 200, description: 'The check as it was.', schema: CHECK },
  })
  @ProjectKey('read-write')
  async remove(@Grant() grant: ProjectKeyGrant, @Param('code') code: string): Promise<Record<string, unknown>> {
    return this.checks.remove(grant, code);
  }

  @Post('checks/:code/pause')
  @Endpoint({
    summary: 'Pause a check',
    description: `${RW} A paused check raises no alerts until it is resumed, or pinged (a success or failure) unless manual_resume.`,
    auth: 'api-key',
    params: CODE,
    body: { schema: API_KEY_BODY, required: false },
    response: { status: 200, description: 'The check, paused.', schema: CHECK },
  })
  @ProjectKey('read-write')
  async pause(@Grant() grant: ProjectKeyGrant, @Param('code') code: string): Promise<Record<string, unknown>> {
    return this.checks.pause(grant, code);
  }

  @Post('checks/:code/resume')
  @Endpoint({
    summary: 'Resume a paused check',
    description: `${RW} The check is watched again from \`new\`. A check that is not paused is a 409.`,
    auth: 'api-key',
    params: CODE,
    body: { schema: API_KEY_BODY, required: false },
    response: { status: 200, description: 'The check, resumed.', schema: CHECK },
    errors: ['conflict'],
  })
  @ProjectKey('read-write')
  async resume(@Grant() grant: ProjectKeyGrant, @Param('code') code: string): Promise<Record<string, unknown>> {
    return this.checks.resume(grant, code);
  }

  @Get('checks/:code/pings')
  @Endpoint({
    summary: "List a check's pings",
    description: `${RW} The latest 100, newest first.`,
    auth: 'api-key',
    params: CODE,
    response: { status: 200, description: 'Newest first.', schema: PING_LIST },
  })
  @ProjectKey('read-write')
  async pings(@Grant() grant: ProjectKeyGrant, @Param('code') code: string): Promise<Record<string, unknown>> {
    return { pings: await this.checks.pings(grant, code) };
  }

  @Get('checks/:code/pings/:n/body')
  @Endpoint({
    summary: "Get a ping's body",
    description: `${RW} What the job posted with ping n (cut to the ping body limit), as text.`,
    auth: 'api-key',
    params: { ...CODE, n: { description: 'The ping number (`n` in the pings list).' } },
    response: { status: 200, description: 'The body.', schema: { type: 'string' }, contentType: 'text/plain' },
  })
  @ProjectKey('read-write')
  async pingBody(
    @Grant() grant: ProjectKeyGrant,
    @Param('code') code: string,
    @Param('n') n: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const body = await this.checks.pingBody(grant, code, n);
    // The bytes the job posted, whatever they are; a charset only where they are UTF-8 text.
    void reply.type(isUtf8(body) ? 'text/plain; charset=utf-8' : 'text/plain');
    return body;
  }

  @Get('checks/:code/flips')
  @Endpoint({
    summary: "List a check's flips",
    description: 'Any key of the project. Changes between up and down (and new, paused), newest first, at most 1000.',
    auth: 'api-key',
    params: CODE_OR_KEY,
    query: FLIPS_QUERY,
    response: { status: 200, description: 'Newest first.', schema: FLIP_LIST },
  })
  @ProjectKey('read')
  async flips(
    @Grant() grant: ProjectKeyGrant,
    @Param('code') code: string,
    @Query('start') start: number | undefined,
    @Query('end') end: number | undefined,
    @Query('seconds') seconds: number | undefined,
  ): Promise<Record<string, unknown>> {
    const starts = [start === undefined ? null : start * 1000, seconds === undefined ? null : Date.now() - seconds * 1000].filter(
      (value): value is number => value !== null,
    );
    const window = { fromMs: starts.length > 0 ? Math.max(...starts) : null, untilMs: end === undefined ? null : end * 1000 };
    return { flips: await this.checks.flips(grant, code, window) };
  }

  @Get('channels')
  @Endpoint({
    summary: 'List channels',
    description: `${RW} The integrations checks of the project can alert (those of its organization).`,
    auth: 'api-key',
    response: { status: 200, description: 'Every channel.', schema: CHANNEL_LIST },
  })
  @ProjectKey('read-write')
  async channels(@Grant() grant: ProjectKeyGrant): Promise<Record<string, unknown>> {
    return { channels: await this.checks.channels(grant) };
  }

  @Get('status')
  @Endpoint({
    summary: 'Service status',
    description: "Healthchecks' liveness probe: `OK` while the API reaches its database. No key.",
    auth: 'public',
    response: { status: 200, description: 'The API and its database answer.', schema: { type: 'string', enum: ['OK'] }, contentType: 'text/plain' },
    errors: ['unavailable'],
  })
  async status(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new DomainError('unavailable', 'database_unavailable', 'the database does not answer', undefined, 5);
    }
    void reply.type('text/plain; charset=utf-8');
    return 'OK';
  }
}
