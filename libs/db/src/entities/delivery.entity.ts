import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DeadLetterReason } from '@vigil/contracts';
import { IntegrationEntity } from './integration.entity';

/** `opened` and `resolved` are issue transitions; `test` is the API's "send test notification". */
export const DELIVERY_KINDS = ['opened', 'resolved', 'test'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/**
 * - `pending`: waiting for its next attempt (`next_attempt_at`);
 * - `sending`: an attempt is in flight; `next_attempt_at` is the lease: past it, the notifier that claimed it
 *   is presumed dead and any instance finishes the attempt's story (see decision 0009);
 * - `succeeded`: the receiver accepted one attempt; final;
 * - `dead`: given up (`dead_reason`) and written to the dead-letter topic; final.
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One alert for one issue transition through one integration: the notifier's exactly-once ledger. The unique
 * `idempotency_key` (`<issue event_id>:<integration_id>`) makes a redelivered issue event create nothing new,
 * and a delivery reaches `succeeded` at most once.
 */
@Entity({ name: 'deliveries' })
@Check('chk_deliveries_kind', `"kind" IN ('opened', 'resolved', 'test')`)
@Check('chk_deliveries_status', `"status" IN ('pending', 'sending', 'succeeded', 'dead')`)
@Index('ix_deliveries_due', ['status', 'nextAttemptAt'])
@Index('ix_deliveries_integration', ['integrationId', 'createdAt'])
// The retention job's batches (services/notifier/src/retention): finished deliveries, oldest first.
@Index('ix_deliveries_finished', ['updatedAt'], { where: `"status" IN ('succeeded', 'dead')` })
export class DeliveryEntity {
  /** Derived from the idempotency key (UUID v5), so every attempt and redelivery shows receivers the same id. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 400, unique: true })
  idempotencyKey!: string;

  @Column({ name: 'integration_id', type: 'uuid' })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'integration_id' })
  integration?: IntegrationEntity;

  /** Null for a test notification. */
  @Index('ix_deliveries_issue')
  @Column({ name: 'issue_id', type: 'uuid', nullable: true })
  issueId!: string | null;

  /** The `vigil.issues.v1` event_id; null for a test notification. */
  @Column({ name: 'event_id', type: 'varchar', length: 300, nullable: true })
  eventId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: DeliveryKind;

  /** The `Alert` (`@vigil/integrations`) as built when the transition arrived: every attempt sends the same. */
  @Column({ type: 'jsonb' })
  alert!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DeliveryStatus;

  /** Attempts started so far. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When the next attempt is due (`pending`), or when the lease of the attempt in flight ends (`sending`); null once final. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'dead_reason', type: 'varchar', length: 16, nullable: true })
  deadReason!: DeadLetterReason | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
