import { Inject, Injectable } from '@nestjs/common';
import { newPublicKey, ProjectKeyEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import { DataSource, IsNull, Not } from 'typeorm';
import type { KeyStatus } from './project-key-input';

/**
 * A project's DSN keys. Revoking keeps the row (with `revoked_at`) so the key stays listed as inactive; the
 * `project_keys` NOTIFY trigger tells ingest, which refuses the key as soon as the change commits.
 */
@Injectable()
export class ProjectKeyRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(ProjectKeyEntity);
  }

  list(projectId: number, status?: KeyStatus): Promise<ProjectKeyEntity[]> {
    const revokedAt = status === 'active' ? IsNull() : status === 'inactive' ? Not(IsNull()) : undefined;
    return this.repository.find({ where: { projectId, ...(revokedAt ? { revokedAt } : {}) }, order: { id: 'ASC' } });
  }

  find(projectId: number, publicKey: string): Promise<ProjectKeyEntity | null> {
    return this.repository.findOneBy({ projectId, publicKey });
  }

  create(projectId: number, label: string): Promise<ProjectKeyEntity> {
    return this.repository.save(this.repository.create({ projectId, publicKey: newPublicKey(), label, revokedAt: null }));
  }

  rename(key: ProjectKeyEntity, label: string): Promise<ProjectKeyEntity> {
    key.label = label;
    return this.repository.save(key);
  }

  /** Revokes the key; revoking a revoked key changes nothing. */
  async revoke(key: ProjectKeyEntity): Promise<void> {
    await this.repository.update({ id: key.id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  /**
   * A new key with the same name in place of this one, which is revoked in the same transaction: there is
   * never a moment with neither, and a rotated-away key stops working at ingest when this commits.
   */
  async rotate(key: ProjectKeyEntity): Promise<ProjectKeyEntity> {
    return this.dataSource.transaction(async (manager) => {
      const revoked: [unknown[], number] = await manager.query('UPDATE project_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [key.id]);
      if (revoked[1] !== 1) throw new DomainError('conflict', 'key_revoked', `key "${key.publicKey}" is revoked: create a new key instead`, 'key');
      return manager.save(manager.create(ProjectKeyEntity, { projectId: key.projectId, publicKey: newPublicKey(), label: key.label, revokedAt: null }));
    });
  }
}
