import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/errors';
import { DataSource } from 'typeorm';

export interface ProjectRef {
  id: number;
  slug: string;
}

/** A project named in a URL by slug or numeric id, looked up within one organization only. */
@Injectable()
export class ProjectLookup {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The project, or a 404 naming it: another organization's project is not found, like one that does not exist. */
  async require(organizationId: string, reference: string): Promise<ProjectRef> {
    if (reference.includes('\u0000')) throw new DomainError('not_found', 'unknown_project', 'project not found', 'project');
    const byId = /^\d{1,9}$/.test(reference);
    const rows: Array<{ id: number; slug: string }> = await this.dataSource.query(
      `SELECT id, slug FROM projects WHERE organization_id = $1 AND ${byId ? 'id = $2' : 'slug = $2'}`,
      [organizationId, byId ? Number(reference) : reference],
    );
    const row = rows[0];
    if (!row) throw new DomainError('not_found', 'unknown_project', `project "${reference}" not found`, 'project');
    return { id: Number(row.id), slug: row.slug };
  }
}
