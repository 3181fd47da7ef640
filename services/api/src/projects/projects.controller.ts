import { Body, Controller, Delete, Get, Headers, Inject, Param, Post, Put } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import type { ProjectEntity } from '@vigil/db';
import { OrganizationAccess } from '../auth/organization-access';
import { ORG_PARAM, PROJECT_PARAMS } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { parseProjectCreate, parseProjectUpdate } from './project-input';
import { presentProject } from './project.presenter';
import { ProjectRepository } from './project.repository';
import { PROJECT, PROJECT_CREATE, PROJECT_UPDATE } from './project.schemas';

type Auth = string | undefined;

/** `GET|POST /api/0/organizations/<org>/projects/`: list (everyone), create (`projects:write`). */
@Controller('api/0/organizations/:org/projects')
export class OrganizationProjectsController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly projects: ProjectRepository,
    @Inject(VigilConfig) private readonly config: VigilConfig,
  ) {}

  @Get()
  @Endpoint({
    summary: 'List projects',
    paged: true,
    auth: 'bearer',
    params: ORG_PARAM,
    response: { status: 200, description: 'Every project of the organization, by slug.', schema: arrayOf(PROJECT) },
  })
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return (await this.projects.list(grant.organizationId)).map((project) => presentProject(project, this.config.VIGIL_PUBLIC_INGEST_URL));
  }

  /** A new project comes with its ping key and a first DSN key (`GET .../keys/`). */
  @Post()
  @Endpoint({
    summary: 'Create a project',
    description: 'Needs projects:write (admin or owner). The project comes with its ping key and a first DSN key named Default.',
    auth: 'bearer',
    params: ORG_PARAM,
    body: { schema: PROJECT_CREATE },
    response: { status: 201, description: 'The project.', schema: PROJECT },
    errors: ['conflict'],
  })
  async create(@Param('org') org: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'projects:write');
    const input = parseProjectCreate(body);
    return presentProject(await this.projects.create(grant.organizationId, input.slug, input.name), this.config.VIGIL_PUBLIC_INGEST_URL);
  }
}

/** `GET|PUT|DELETE /api/0/projects/<org>/<project>/` (slug or numeric id) and its ping key's rotation. */
@Controller('api/0/projects/:org/:project')
export class ProjectController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly projects: ProjectRepository,
    @Inject(VigilConfig) private readonly config: VigilConfig,
  ) {}

  @Get()
  @Endpoint({ summary: 'Get a project', auth: 'bearer', params: PROJECT_PARAMS, response: { status: 200, description: 'The project.', schema: PROJECT } })
  async get(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return this.present(await this.projects.get(grant.organizationId, project));
  }

  @Put()
  @Endpoint({
    summary: 'Update a project',
    description: 'Needs projects:write. Renames it or changes its slug.',
    auth: 'bearer',
    params: PROJECT_PARAMS,
    body: { schema: PROJECT_UPDATE },
    response: { status: 200, description: 'The project.', schema: PROJECT },
    errors: ['conflict'],
  })
  async update(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'projects:write');
    const found = await this.projects.get(grant.organizationId, project);
    return this.present(await this.projects.update(found, parseProjectUpdate(body)));
  }

  /** Deletes the project with its keys, monitors, alert rules and issues; its keys stop working at ingest. */
  @Delete()
  @Endpoint({
    summary: 'Delete a project',
    description: 'Needs projects:write. Its keys, monitors, alert rules and issues go with it; its keys stop working at ingest within moments.',
    auth: 'bearer',
    params: PROJECT_PARAMS,
    response: { status: 204, description: 'Deleted.' },
  })
  async remove(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'projects:write');
    await this.projects.delete(await this.projects.get(grant.organizationId, project));
  }

  /** A new ping key; slug ping URLs with the old one answer 404 within moments (ingest hears of it by NOTIFY). */
  @Post('ping-key/rotate')
  @Endpoint({
    summary: "Rotate a project's ping key",
    description: 'Needs keys:write. Slug ping URLs with the old key answer 404 within moments.',
    auth: 'bearer',
    params: PROJECT_PARAMS,
    response: { status: 200, description: 'The project with its new ping key.', schema: PROJECT },
  })
  async rotatePingKey(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'keys:write');
    return this.present(await this.projects.rotatePingKey(await this.projects.get(grant.organizationId, project)));
  }

  private present(project: ProjectEntity): Record<string, unknown> {
    return presentProject(project, this.config.VIGIL_PUBLIC_INGEST_URL);
  }
}
