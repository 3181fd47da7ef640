import { Inject, Injectable } from '@nestjs/common';
import { IntegrationEntity } from '@vigil/db';
import type { IntegrationConfig } from '@vigil/integrations';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** An organization's integrations. Configs go in and out whole; only the presenter shows them, redacted. */
@Injectable()
export class IntegrationRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private get repository() {
    return this.dataSource.getRepository(IntegrationEntity);
  }

  list(organizationId: string): Promise<IntegrationEntity[]> {
    return this.repository.find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(organizationId: string, id: string): Promise<IntegrationEntity | null> {
    return this.repository.findOneBy({ organizationId, id });
  }

  create(organizationId: string, name: string, config: IntegrationConfig): Promise<IntegrationEntity> {
    return this.repository.save(this.repository.create({ id: randomUUID(), organizationId, name, type: config.type, config: { ...config } }));
  }

  async update(integration: IntegrationEntity, change: { name?: string; config?: IntegrationConfig }): Promise<IntegrationEntity> {
    if (change.name !== undefined) integration.name = change.name;
    if (change.config !== undefined) integration.config = { ...change.config };
    return this.repository.save(integration);
  }

  /** Its rules and deliveries go with it (foreign keys cascade). */
  async delete(integration: IntegrationEntity): Promise<void> {
    await this.repository.delete({ id: integration.id, organizationId: integration.organizationId });
  }
}
