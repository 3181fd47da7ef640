import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TtlCache } from './ttl-cache';

export interface ProjectIdentity {
  projectId: number;
  organizationId: string;
}

/**
 * DSN key lookup. Answers come from memory for a few seconds, so a burst of check-ins costs one query;
 * a revoked key stops working when its entry expires.
 */
@Injectable()
export class ProjectKeyRepository {
  private readonly cache = new TtlCache<ProjectIdentity | null>(5000);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  findActive(projectId: number, publicKey: string): Promise<ProjectIdentity | null> {
    return this.cache.get(`${projectId}:${publicKey}`, () => this.load(projectId, publicKey));
  }

  private async load(projectId: number, publicKey: string): Promise<ProjectIdentity | null> {
    const rows: Array<{ project_id: number; organization_id: string }> = await this.dataSource.query(
      `SELECT p.id AS project_id, p.organization_id
         FROM project_keys k JOIN projects p ON p.id = k.project_id
        WHERE k.public_key = $1 AND k.project_id = $2 AND k.revoked_at IS NULL`,
      [publicKey, projectId],
    );
    const row = rows[0];
    return row ? { projectId: row.project_id, organizationId: row.organization_id } : null;
  }
}
