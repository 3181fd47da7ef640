import { Body, Controller, Delete, Get, Headers, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import type { ProjectEntity, ProjectKeyEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import type { AccessNeed } from '../auth/permissions';
import { linksByValue, PROJECT_PARAMS } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { ProjectRepository } from '../projects/project.repository';
import { parseKeyCreate, parseKeyStatus, parseKeyUpdate } from './project-key-input';
import { presentProjectKey } from './project-key.presenter';
import { ProjectKeyRepository } from './project-key.repository';
import { KEY_CREATE, KEY_STATUS_QUERY, KEY_UPDATE, PROJECT_KEY } from './project-key.schemas';

const KEY_PARAMS = { ...PROJECT_PARAMS, key: { description: 'The public key (the `id` of a key).' } };

type Auth = string | undefined;
const KEY_ID = /^[A-Za-z0-9]{1,64}$/;

/**
 * A project's DSN keys in Sentry's shape, `/api/0/projects/<org>/<project>/keys/[<key_id>/]`: list and read
 * with any token of the organization, create, rename, rotate and revoke with `keys:write`. `DELETE` revokes:
 * the key stays listed as inactive, and ingest refuses it within moments.
 */
@Controller('api/0/projects/:org/:project/keys')
export class ProjectKeysController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly projects: ProjectRepository,
    private readonly keys: ProjectKeyRepository,
    @Inject(VigilConfig) private readonly config: VigilConfig,
  ) {}

  @Get()
  @Endpoint({
    summary: "List a project's DSN keys",
    paged: true,
    auth: 'bearer',
    params: PROJECT_PARAMS,
    query: KEY_STATUS_QUERY,
    response: { status: 200, description: 'Oldest first.', schema: arrayOf(PROJECT_KEY) },
  })
  async list(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: Auth,
    @Query('status') status: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    const found = await this.project(authorization, org, project, 'org:read');
    const keys = await this.keys.list(found.id, parseKeyStatus(status));
    return keys.map((key) => this.present(key));
  }

  @Post()
  @Endpoint({
    summary: 'Create a DSN key',
    description: 'Needs keys:write.',
    auth: 'bearer',
    params: PROJECT_PARAMS,
    body: { schema: KEY_CREATE, required: false },
    response: {
      status: 201,
      description: 'The key.',
      schema: PROJECT_KEY,
      links: linksByValue(
        'key',
        '$response.body#/id',
        { GetKey: 'ProjectKeys_get', RenameKey: 'ProjectKeys_update', RevokeKey: 'ProjectKeys_revoke', RotateKey: 'ProjectKeys_rotate' },
        ['org', 'project'],
      ),
    },
  })
  async create(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const found = await this.project(authorization, org, project, 'keys:write');
    return this.present(await this.keys.create(found.id, parseKeyCreate(body).name));
  }

  @Get(':key')
  @Endpoint({ summary: 'Get a DSN key', auth: 'bearer', params: KEY_PARAMS, response: { status: 200, description: 'The key.', schema: PROJECT_KEY } })
  async get(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('key') key: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<Record<string, unknown>> {
    const found = await this.project(authorization, org, project, 'org:read');
    return this.present(await this.find(found, key));
  }

  @Put(':key')
  @Endpoint({
    summary: 'Rename a DSN key',
    description: 'Needs keys:write.',
    auth: 'bearer',
    params: KEY_PARAMS,
    body: { schema: KEY_UPDATE },
    response: { status: 200, description: 'The key.', schema: PROJECT_KEY },
  })
  async update(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('key') key: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    const found = await this.project(authorization, org, project, 'keys:write');
    const current = await this.find(found, key);
    const change = parseKeyUpdate(body);
    return this.present(change.name === undefined ? current : await this.keys.rename(current, change.name));
  }

  /** Revokes the key (it stays listed, inactive). Revoking a revoked key is a 204 too. */
  @Delete(':key')
  @Endpoint({
    summary: 'Revoke a DSN key',
    description: 'Needs keys:write. Ingest refuses the key within moments; it stays listed, inactive. Revoking a revoked key changes nothing.',
    auth: 'bearer',
    params: KEY_PARAMS,
    response: { status: 204, description: 'Revoked.' },
  })
  async revoke(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('key') key: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<void> {
    const found = await this.project(authorization, org, project, 'keys:write');
    await this.keys.revoke(await this.find(found, key));
  }

  /** A new key with the same name; this one is revoked in the same transaction. Answers the new key. */
  @Post(':key/rotate')
  @Endpoint({
    summary: 'Rotate a DSN key',
    description: 'Needs keys:write. A new key with the same name; this one is revoked in the same transaction and refused at ingest within moments.',
    auth: 'bearer',
    params: KEY_PARAMS,
    response: { status: 201, description: 'The new key.', schema: PROJECT_KEY },
    errors: ['conflict'],
  })
  async rotate(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('key') key: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<Record<string, unknown>> {
    const found = await this.project(authorization, org, project, 'keys:write');
    return this.present(await this.keys.rotate(await this.find(found, key)));
  }

  private present(key: ProjectKeyEntity): Record<string, unknown> {
    return presentProjectKey(key, this.config.VIGIL_PUBLIC_INGEST_URL);
  }

  private async project(authorization: Auth, org: string, ref: string, needs: AccessNeed): Promise<ProjectEntity> {
    const grant = await this.access.authorize(authorization, org, needs);
    return this.projects.get(grant.organizationId, ref);
  }

  private async find(project: ProjectEntity, id: string): Promise<ProjectKeyEntity> {
    const key = KEY_ID.test(id) ? await this.keys.find(project.id, id) : null;
    if (!key) throw new DomainError('not_found', 'unknown_key', `key "${id}" not found in project "${project.slug}"`, 'key');
    return key;
  }
}
