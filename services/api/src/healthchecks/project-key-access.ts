import { Injectable } from '@nestjs/common';
import { ProjectApiKeyRepository, type ProjectKeyGrant } from '../project-api-keys/project-api-key.repository';
import { apiKeyOf, requireFittingKey, type KeyNeed } from './project-key-rules';

/**
 * Project API key access to the Healthchecks-shaped API (rules: `project-key-rules.ts`). A key only ever
 * reaches its own project's checks: the grant carries the project, and every look-up is within it.
 */
@Injectable()
export class ProjectKeyAccess {
  constructor(private readonly keys: ProjectApiKeyRepository) {}

  async authorize(header: string | undefined, body: unknown, needs: KeyNeed): Promise<ProjectKeyGrant> {
    const key = apiKeyOf(header, body, needs);
    return requireFittingKey(await this.keys.findGrant(key), needs);
  }
}
