import { Inject, Injectable } from '@nestjs/common';
import { newPingKey, newPublicKey, ProjectEntity, ProjectKeyEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { DataSource, type EntityManager } from 'typeorm';
import { isPostgresText } from '../common/postgres-text';
import { isUniqueViolation } from '../common/unique-violation';

const SLUG_TAKEN = 'uq_projects_org_slug';

function slugTaken(slug: string): DomainError {
  return new DomainError('conflict', 'duplicate_slug', `a project with slug "${slug}" already exists in this organization`, 'slug');
}

/**
 * An organization's projects. Every change commits in one statement or transaction, and the `projects` and
 * `project_keys` NOTIFY triggers tell ingest about it (a new ping key, a deleted project) as it commits.
 */
@Injectable()
export class ProjectRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  list(organizationId: string): Promise<ProjectEntity[]> {
    return this.dataSource.getRepository(ProjectEntity).find({ where: { organizationId }, order: { slug: 'ASC' } });
  }

  /** A project by slug, or by its numeric id (DSNs carry the id), within the organization. */
  async find(organizationId: string, ref: string): Promise<ProjectEntity | null> {
    const repository = this.dataSource.getRepository(ProjectEntity);
    if (/^\d{1,9}$/.test(ref)) return repository.findOneBy({ organizationId, id: Number(ref) });
    if (!isPostgresText(ref)) return null;
    return repository.findOneBy({ organizationId, slug: ref });
  }

  /** `find`, or a 404 naming `project`. */
  async get(organizationId: string, ref: string): Promise<ProjectEntity> {
    const project = await this.find(organizationId, ref);
    if (!project) throw new DomainError('not_found', 'unknown_project', `project "${ref}" not found`, 'project');
    return project;
  }

  /** A new project with its ping key and a first DSN key named `Default`, as Sentry gives every new project. */
  async create(organizationId: string, slug: string, name: string): Promise<ProjectEntity> {
    try {
      return await this.dataSource.transaction(async (manager: EntityManager) => {
        const project = await manager.save(manager.create(ProjectEntity, { organizationId, slug, name, pingKey: newPingKey() }));
        await manager.save(manager.create(ProjectKeyEntity, { projectId: project.id, publicKey: newPublicKey(), label: 'Default', revokedAt: null }));
        return project;
      });
    } catch (error) {
      if (isUniqueViolation(error, SLUG_TAKEN)) throw slugTaken(slug);
      throw error;
    }
  }

  async update(project: ProjectEntity, change: { name?: string; slug?: string }): Promise<ProjectEntity> {
    if (change.name !== undefined) project.name = change.name;
    if (change.slug !== undefined) project.slug = change.slug;
    try {
      return await this.dataSource.getRepository(ProjectEntity).save(project);
    } catch (error) {
      if (isUniqueViolation(error, SLUG_TAKEN)) throw slugTaken(project.slug);
      throw error;
    }
  }

  /** Its keys, monitors, alert rules and issues go with it (foreign keys cascade); history stays in ClickHouse. */
  async delete(project: ProjectEntity): Promise<void> {
    await this.dataSource.getRepository(ProjectEntity).delete({ id: project.id, organizationId: project.organizationId });
  }

  /** Replaces the ping key: slug ping URLs with the old one stop working once this commits. */
  async rotatePingKey(project: ProjectEntity): Promise<ProjectEntity> {
    project.pingKey = newPingKey();
    await this.dataSource.getRepository(ProjectEntity).update({ id: project.id, organizationId: project.organizationId }, { pingKey: project.pingKey });
    return project;
  }
}
