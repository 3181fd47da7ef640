import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { IntegrationType } from '@vigil/contracts';
import { OrganizationEntity } from './organization.entity';

/**
 * Where an organization's alerts go: an email list, a Slack incoming webhook, a PagerDuty service or a signed
 * webhook. `config` holds the channel's settings as `parseIntegrationConfig` (`@vigil/integrations`) validated
 * them, credentials included (webhook secret, Slack URL, routing key): it is never logged, and the API shows it
 * only redacted.
 */
@Entity({ name: 'integrations' })
@Check('chk_integrations_type', `"type" IN ('email', 'slack', 'pagerduty', 'webhook')`)
export class IntegrationEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_integrations_organization')
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: IntegrationType;

  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
