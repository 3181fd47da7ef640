import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { MonitorEntity } from './monitor.entity';

/**
 * Settings of one environment of a monitor. A muted environment (or a muted monitor, `monitors.is_muted`)
 * still records its issues; their events say `muted` and nobody is notified. No row: not muted.
 */
@Entity({ name: 'monitor_environments' })
export class MonitorEnvironmentEntity {
  @PrimaryColumn({ name: 'monitor_id', type: 'uuid' })
  monitorId!: string;

  @ManyToOne(() => MonitorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'monitor_id' })
  monitor?: MonitorEntity;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  environment!: string;

  @Column({ name: 'is_muted', type: 'boolean', default: false })
  isMuted!: boolean;

  /**
   * When the environment was last dropped (deleted through the API): its history and scheduler state before
   * this instant are gone, and check-ins received at or before it are ignored. Null: never dropped.
   */
  @Column({ name: 'dropped_at', type: 'timestamptz', nullable: true })
  droppedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
