import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { IssueEntity } from './issue.entity';
import { MonitorEntity } from './monitor.entity';

/**
 * The issues service's counting state of one monitor-environment, written in the same transaction as the
 * issues it opens or resolves. `last_partition`/`last_offset` locate the last `vigil.run-results.v1` record
 * applied (a track lives on one partition), so a redelivered record is skipped; `recent_results` holds
 * fingerprints of the latest results' event ids, so a result published twice (a scheduler retry writes it
 * at a new offset) counts once.
 */
@Entity({ name: 'issue_tracks' })
export class IssueTrackEntity {
  @PrimaryColumn({ name: 'monitor_id', type: 'uuid' })
  monitorId!: string;

  @ManyToOne(() => MonitorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'monitor_id' })
  monitor?: MonitorEntity;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  environment!: string;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'consecutive_oks', type: 'integer', default: 0 })
  consecutiveOks!: number;

  @Column({ name: 'open_issue_id', type: 'uuid', nullable: true })
  openIssueId!: string | null;

  @ManyToOne(() => IssueEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'open_issue_id' })
  openIssue?: IssueEntity | null;

  @Column({ name: 'last_partition', type: 'integer', nullable: true })
  lastPartition!: number | null;

  /** bigint: TypeORM hands it over as a string. */
  @Column({ name: 'last_offset', type: 'bigint', nullable: true })
  lastOffset!: string | null;

  @Column({ name: 'recent_results', type: 'bigint', array: true })
  recentResults!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
