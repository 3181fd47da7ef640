import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MonitorEntity } from './monitor.entity';

export const ISSUE_STATUSES = ['open', 'resolved'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** The run results that count as failures: an issue opens on one and every later one attaches to it. */
export const FAILURE_KINDS = ['error', 'missed', 'timeout'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/**
 * A monitor-environment's issue, written by the issues service: opened by `failure_issue_threshold`
 * consecutive failures, resolved by `recovery_threshold` consecutive `ok` results. Its id is derived from the
 * run result that opened it, so a repeated result can never open a second one. Times are event times.
 */
@Entity({ name: 'issues' })
@Check('chk_issues_status', `"status" IN ('open', 'resolved')`)
@Check('chk_issues_opening_status', `"opening_status" IN ('error', 'missed', 'timeout')`)
// At most one open issue per monitor-environment: further failures attach to it.
@Index('uq_issues_open_per_track', ['monitorId', 'environment'], { unique: true, where: `"status" = 'open'` })
@Index('ix_issues_track_opened', ['monitorId', 'environment', 'openedAt'])
// The API lists an organization's issues newest first, by (opened_at, id) pages.
@Index('ix_issues_organization_opened', ['organizationId', 'openedAt', 'id'])
export class IssueEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'project_id', type: 'integer' })
  projectId!: number;

  @Column({ name: 'monitor_id', type: 'uuid' })
  monitorId!: string;

  @ManyToOne(() => MonitorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'monitor_id' })
  monitor?: MonitorEntity;

  @Column({ type: 'varchar', length: 64 })
  environment!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: IssueStatus;

  /** The consecutive failures that opened it plus every failure while it stayed open. */
  @Column({ name: 'failure_count', type: 'integer' })
  failureCount!: number;

  /** The run (check-in id) whose failure reached the threshold, and what it was. */
  @Column({ name: 'opening_checkin_id', type: 'uuid' })
  openingCheckinId!: string;

  @Column({ name: 'opening_status', type: 'varchar', length: 16 })
  openingStatus!: FailureKind;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'last_failure_at', type: 'timestamptz' })
  lastFailureAt!: Date;

  /** The `ok` run that reached the recovery threshold. */
  @Column({ name: 'resolving_checkin_id', type: 'uuid', nullable: true })
  resolvingCheckinId!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
