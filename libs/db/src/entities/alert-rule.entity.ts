import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { IntegrationEntity } from './integration.entity';
import { MonitorEntity } from './monitor.entity';
import { ProjectEntity } from './project.entity';

/**
 * Which issue transitions of a project (or of one of its monitors) go to which integration. Rules add up: a
 * transition goes to every integration at least one matching rule names, once.
 */
@Entity({ name: 'alert_rules' })
export class AlertRuleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('ix_alert_rules_project')
  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: ProjectEntity;

  /** Null: every monitor of the project, those created later included. */
  @Index('ix_alert_rules_monitor')
  @Column({ name: 'monitor_id', type: 'uuid', nullable: true })
  monitorId!: string | null;

  @ManyToOne(() => MonitorEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'monitor_id' })
  monitor?: MonitorEntity | null;

  @Index('ix_alert_rules_integration')
  @Column({ name: 'integration_id', type: 'uuid' })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'integration_id' })
  integration?: IntegrationEntity;

  /** Null: every environment. */
  @Column({ type: 'text', array: true, nullable: true })
  environments!: string[] | null;

  @Column({ name: 'on_open', type: 'boolean', default: true })
  onOpen!: boolean;

  @Column({ name: 'on_resolve', type: 'boolean', default: true })
  onResolve!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
