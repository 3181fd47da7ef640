import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import type { ProjectEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { parseProjectCreate, parseProjectUpdate } from './project-input';
import { presentProject } from './project.presenter';
import { ProjectRepository } from './project.repository';

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
  async list(@Param('org') org: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return (await this.projects.list(grant.organizationId)).map((project) => presentProject(project, this.config.VIGIL_PUBLIC_INGEST_URL));
  }

  /** A new project comes with its ping key and a first DSN key (`GET .../keys/`). */
  @Post()
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
  async get(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'org:read');
    return this.present(await this.find(grant.organizationId, project));
  }

  @Put()
  async update(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth, @Body() body: unknown): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'projects:write');
    const found = await this.find(grant.organizationId, project);
    return this.present(await this.projects.update(found, parseProjectUpdate(body)));
  }

  /** Deletes the project with its keys, monitors, alert rules and issues; its keys stop working at ingest. */
  @Delete()
  @HttpCode(204)
  async remove(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<void> {
    const grant = await this.access.authorize(authorization, org, 'projects:write');
    await this.projects.delete(await this.find(grant.organizationId, project));
  }

  /** A new ping key; slug ping URLs with the old one answer 404 within moments (ingest hears of it by NOTIFY). */
  @Post('ping-key/rotate')
  @HttpCode(200)
  async rotatePingKey(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>> {
    const grant = await this.access.authorize(authorization, org, 'keys:write');
    return this.present(await this.projects.rotatePingKey(await this.find(grant.organizationId, project)));
  }

  private present(project: ProjectEntity): Record<string, unknown> {
    return presentProject(project, this.config.VIGIL_PUBLIC_INGEST_URL);
  }

  private async find(organizationId: string, ref: string): Promise<ProjectEntity> {
    const project = await this.projects.find(organizationId, ref);
    if (!project) throw new DomainError('not_found', 'unknown_project', `project "${ref}" not found`, 'project');
    return project;
  }
}
