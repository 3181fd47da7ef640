import { Body, Controller, Delete, Get, Headers, Param, Post } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { OrganizationAccess } from '../auth/organization-access';
import { PROJECT_PARAMS } from '../common/openapi/common-params';
import { Endpoint } from '../common/openapi/endpoint.decorator';
import { arrayOf } from '../common/openapi/json-schema';
import { pathId } from '../common/request-body';
import type { AccessNeed } from '../auth/permissions';
import { ProjectRepository } from '../projects/project.repository';
import { presentProjectApiKey } from './project-api-key.presenter';
import { ProjectApiKeyRepository } from './project-api-key.repository';
import { PROJECT_API_KEY, PROJECT_API_KEY_CREATE, PROJECT_API_KEY_CREATED } from './project-api-key.schemas';

type Auth = string | undefined;
const KEY_PARAMS = { ...PROJECT_PARAMS, id: { description: 'The key id (uuid).' } };

/**
 * A project's API keys for the Healthchecks-shaped API (Bearer token). The list is a credential list
 * (`tokens:read`, never a secret); creating and revoking keys needs `keys:write` (decision 0010).
 */
@Controller('api/0/projects/:org/:project/api-keys')
export class ProjectApiKeysController {
  constructor(
    private readonly access: OrganizationAccess,
    private readonly projects: ProjectRepository,
    private readonly keys: ProjectApiKeyRepository,
  ) {}

  @Get()
  @Endpoint({
    summary: "List a project's API keys",
    paged: true,
    auth: 'bearer',
    params: PROJECT_PARAMS,
    response: { status: 200, description: 'Every key of the project, revoked ones too, oldest first; never a secret.', schema: arrayOf(PROJECT_API_KEY) },
  })
  async list(@Param('org') org: string, @Param('project') project: string, @Headers('authorization') authorization: Auth): Promise<Record<string, unknown>[]> {
    const { id } = await this.project(authorization, org, project, 'tokens:read');
    return (await this.keys.list(id)).map(presentProjectApiKey);
  }

  @Post()
  @Endpoint({
    summary: 'Create a project API key',
    description: 'The key is in the answer and never shown again (it is stored as SHA-256). Send it to `/api/v3/` as `X-Api-Key`.',
    auth: 'bearer',
    params: PROJECT_PARAMS,
    body: { schema: PROJECT_API_KEY_CREATE },
    response: { status: 201, description: 'The key, with its secret this once.', schema: PROJECT_API_KEY_CREATED },
  })
  async create(
    @Param('org') org: string,
    @Param('project') project: string,
    @Headers('authorization') authorization: Auth,
    @Body() body: { name: string; read_only?: boolean },
  ): Promise<Record<string, unknown>> {
    const { id } = await this.project(authorization, org, project, 'keys:write');
    const created = await this.keys.create(id, body.name, body.read_only ?? false);
    return { ...presentProjectApiKey(created.entity), key: created.key };
  }

  /** Revokes the key: requests with it are refused from the moment this returns. */
  @Delete(':id')
  @Endpoint({
    summary: 'Revoke a project API key',
    description: 'Requests with the key are refused from the moment this answers. Revoking a revoked key changes nothing.',
    auth: 'bearer',
    params: KEY_PARAMS,
    response: { status: 204, description: 'Revoked.' },
  })
  async revoke(
    @Param('org') org: string,
    @Param('project') project: string,
    @Param('id') id: string,
    @Headers('authorization') authorization: Auth,
  ): Promise<void> {
    const { id: projectId } = await this.project(authorization, org, project, 'keys:write');
    const key = await this.keys.find(projectId, pathId(id, 'API key', 'unknown_api_key', 'id'));
    if (!key) throw new DomainError('not_found', 'unknown_api_key', `API key "${id}" not found`, 'id');
    await this.keys.revoke(key);
  }

  /** The project by slug or id within the token's organization. */
  private async project(authorization: Auth, org: string, ref: string, needs: AccessNeed): Promise<{ id: number }> {
    const grant = await this.access.authorize(authorization, org, needs);
    return this.projects.get(grant.organizationId, ref);
  }
}
