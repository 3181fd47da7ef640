import { applyDecorators, createParamDecorator, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@vigil/errors';
import type { FastifyRequest } from 'fastify';
import type { ProjectKeyGrant } from '../project-api-keys/project-api-key.repository';
import { ProjectKeyAccess } from './project-key-access';
import type { KeyNeed } from './project-key-rules';

const KEY_NEED = 'vigil:project-key-need';
const GRANT = Symbol('vigil.projectKeyGrant');

type GrantedRequest = FastifyRequest & { [GRANT]?: ProjectKeyGrant };

/**
 * Authenticates a Healthchecks-shaped request before anything looks at its body, as Healthchecks does: a guard
 * runs before `RequestValidationInterceptor`, so a request without a valid key is a 401 whatever its body says.
 * Only a POST body that is not a JSON object comes first (a 400), since the key may be in it (`api_key`).
 */
@Injectable()
export class ProjectKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: ProjectKeyAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needs = this.reflector.get<KeyNeed | undefined>(KEY_NEED, context.getHandler());
    if (!needs) throw new Error('ProjectKeyGuard on a handler without @ProjectKey');
    const request = context.switchToHttp().getRequest<GrantedRequest>();
    const body = request.body;
    if (request.method === 'POST' && body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new DomainError('invalid', 'invalid_body', 'the request body must be a JSON object');
    }
    const header = request.headers['x-api-key'];
    request[GRANT] = await this.access.authorize(typeof header === 'string' ? header : undefined, body, needs);
    return true;
  }
}

/** The endpoint needs a project API key: any key of the project (`read`) or a read-write one. */
export function ProjectKey(needs: KeyNeed): MethodDecorator {
  return applyDecorators(SetMetadata(KEY_NEED, needs), UseGuards(ProjectKeyGuard));
}

/** The grant `ProjectKeyGuard` established for this request. */
export const Grant = createParamDecorator((_data: unknown, context: ExecutionContext): ProjectKeyGrant => {
  const grant = context.switchToHttp().getRequest<GrantedRequest>()[GRANT];
  if (!grant) throw new Error('@Grant() on a handler without @ProjectKey');
  return grant;
});
