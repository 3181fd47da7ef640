import { Inject, Injectable } from '@nestjs/common';
import { hashSecret, newProjectApiKey, ProjectApiKeyEntity, projectApiKeyPrefix } from '@vigil/db';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What a live project API key grants: one project, read-write or read-only. */
export interface ProjectKeyGrant {
  keyId: string;
  projectId: number;
  organizationId: string;
  readOnly: boolean;
}

interface GrantRow {
  id: string;
  project_id: number;
  organization_id: string;
  read_only: boolean;
}

/**
 * Finds a live key by its hash and notes when it was used: at most one write a minute per key, in the same
 * round trip (as API tokens do).
 */
const GRANT_SQL = `
  WITH found AS (
    SELECT k.id, k.project_id, p.organization_id, k.read_only, k.last_used_at
      FROM project_api_keys k
      JOIN projects p ON p.id = k.project_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL
  ), touched AS (
    UPDATE project_api_keys SET last_used_at = now()
     WHERE id IN (SELECT id FROM found WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
  )
  SELECT id, project_id, organization_id, read_only FROM found`;

/** Project API keys: the credential of the Healthchecks-shaped API (`X-Api-Key`). Stored as SHA-256. */
@Injectable()
export class ProjectApiKeyRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async findGrant(key: string): Promise<ProjectKeyGrant | null> {
    const rows: GrantRow[] = await this.dataSource.query(GRANT_SQL, [hashSecret(key)]);
    const row = rows[0];
    return row ? { keyId: row.id, projectId: Number(row.project_id), organizationId: row.organization_id, readOnly: row.read_only } : null;
  }

  /** Every key of the project, revoked ones too, oldest first. */
  async list(projectId: number): Promise<ProjectApiKeyEntity[]> {
    return this.dataSource.getRepository(ProjectApiKeyEntity).find({ where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async find(projectId: number, id: string): Promise<ProjectApiKeyEntity | null> {
    return this.dataSource.getRepository(ProjectApiKeyEntity).findOneBy({ projectId, id });
  }

  /** A new key; the secret is returned here and never again. */
  async create(projectId: number, name: string, readOnly: boolean): Promise<{ entity: ProjectApiKeyEntity; key: string }> {
    const key = newProjectApiKey(readOnly);
    const repository = this.dataSource.getRepository(ProjectApiKeyEntity);
    const entity = await repository.save(
      repository.create({
        id: randomUUID(),
        projectId,
        name,
        keyHash: hashSecret(key),
        keyPrefix: projectApiKeyPrefix(key),
        readOnly,
        lastUsedAt: null,
        revokedAt: null,
      }),
    );
    return { entity, key };
  }

  /** Revokes the key (a revoked key stays revoked: its first revocation time is kept). */
  async revoke(key: ProjectApiKeyEntity): Promise<void> {
    await this.dataSource.query('UPDATE project_api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [key.id]);
  }
}
