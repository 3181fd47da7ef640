import { randomUUID } from 'node:crypto';
import type { DeadLetterReason, IntegrationType } from '@vigil/contracts';
import type { AttemptRecordOutcome, DeliveryKind } from '@vigil/db';
import type { Alert, DeliveryAttempt, RetryPolicy } from '@vigil/integrations';
import type { DataSource, EntityManager } from 'typeorm';
import { decideAfterStaleClaim, type DeliveryDecision } from './delivery-decision';

/** A delivery as the worker handles it: the ledger row and its integration. */
export interface ClaimedDelivery {
  id: string;
  idempotencyKey: string;
  eventId: string | null;
  kind: DeliveryKind;
  issueId: string | null;
  alert: Alert;
  /** Epoch milliseconds. */
  createdAt: number;
  integration: {
    id: string;
    organizationId: string;
    type: IntegrationType;
    /** As stored (validated when it was written); the worker validates it again before use. */
    config: unknown;
  };
}

/** The last attempt of a delivery, as recorded. */
export interface RecordedAttempt {
  attempt: number;
  outcome: AttemptRecordOutcome;
  statusCode: number | null;
  errorCode: string | null;
  error: string | null;
}

/**
 * What a claim hands the worker:
 * - `send`: attempt `attempt` is recorded as started (before anything leaves); send it and record the result;
 * - `dead`: the delivery is given up (a crashed claimant's last attempt decided it): publish the dead letter,
 *   then `markDead`.
 */
export type ClaimedWork =
  | { kind: 'send'; delivery: ClaimedDelivery; attempt: number }
  | { kind: 'dead'; delivery: ClaimedDelivery; attempts: number; reason: DeadLetterReason; last: RecordedAttempt | null };

interface DueRow {
  id: string;
  idempotency_key: string;
  integration_id: string;
  event_id: string | null;
  kind: DeliveryKind;
  issue_id: string | null;
  alert: Alert;
  status: 'pending' | 'sending';
  attempts: number;
  created_at: Date;
  organization_id: string;
  type: IntegrationType;
  config: unknown;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  outcome: AttemptRecordOutcome | null;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
}

export const INTERRUPTED_ERROR = 'the notifier stopped before it recorded the result; the receiver may have got this attempt';

const LATER = (parameter: string) => `clock_timestamp() + (${parameter}::integer * interval '1 millisecond')`;

/**
 * The deliveries ledger in Postgres, as the delivery worker uses it. Claims are short transactions with
 * `FOR UPDATE SKIP LOCKED`, so several notifier instances share the due deliveries without waiting on each
 * other; a claimed delivery is `sending` with a lease (`next_attempt_at`) for as long as an attempt can take.
 * Every write after a claim is fenced by `status = 'sending' AND attempts = <the claim's attempt>`: a claimant
 * whose lease ran out (and whose delivery another instance took over) changes nothing but its own attempt record.
 */
export class DeliveryLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: RetryPolicy,
    /** How long a claim holds a delivery: longer than any attempt can take. */
    private readonly leaseMs: number,
  ) {}

  /**
   * Claims up to `limit` due deliveries: pending ones whose time has come, and `sending` ones whose lease ran
   * out; a resolve only once the opening of its issue through the same integration is final (succeeded or dead).
   */
  async claimDue(limit: number): Promise<ClaimedWork[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: DueRow[] = await manager.query(
        `SELECT d.id, d.idempotency_key, d.integration_id, d.event_id, d.kind, d.issue_id, d.alert, d.status, d.attempts, d.created_at,
                i.organization_id, i.type, i.config
           FROM deliveries d
           JOIN integrations i ON i.id = d.integration_id
          WHERE d.status IN ('pending', 'sending') AND d.next_attempt_at <= clock_timestamp()
            -- A resolve goes out after its issue's opening through the same integration is final, so a receiver
            -- (PagerDuty above all) never gets the resolve of an alert before the alert.
            AND NOT (d.kind = 'resolved' AND EXISTS (
                  SELECT 1 FROM deliveries o
                   WHERE o.issue_id = d.issue_id AND o.integration_id = d.integration_id AND o.kind = 'opened' AND o.status IN ('pending', 'sending')))
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return [];
      const stale = rows.filter((row) => row.status === 'sending').map((row) => row.id);
      const last = stale.length > 0 ? await this.closeInterrupted(manager, stale) : new Map<string, RecordedAttempt>();
      const work: ClaimedWork[] = [];
      for (const row of rows) {
        const delivery = toClaimed(row);
        const attempts = Number(row.attempts);
        const previous = last.get(row.id) ?? null;
        // A pending delivery is simply due; a stale one first finishes its last attempt's story.
        const decision: DeliveryDecision | null = row.status === 'pending' ? null : decideAfterStaleClaim(this.policy, attempts, previous?.outcome ?? 'interrupted');
        if (decision?.action === 'succeed') {
          await manager.query(`UPDATE deliveries SET status = 'succeeded', next_attempt_at = NULL, updated_at = clock_timestamp() WHERE id = $1`, [row.id]);
        } else if (decision?.action === 'dead') {
          await manager.query(`UPDATE deliveries SET next_attempt_at = ${LATER('$2')}, updated_at = clock_timestamp() WHERE id = $1`, [row.id, this.leaseMs]);
          work.push({ kind: 'dead', delivery, attempts, reason: decision.reason, last: previous });
        } else {
          const attempt = attempts + 1;
          await manager.query(
            `UPDATE deliveries SET status = 'sending', attempts = $2, next_attempt_at = ${LATER('$3')}, updated_at = clock_timestamp() WHERE id = $1`,
            [row.id, attempt, this.leaseMs],
          );
          await manager.query(`INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at) VALUES ($1, $2, $3, clock_timestamp())`, [randomUUID(), row.id, attempt]);
          work.push({ kind: 'send', delivery, attempt });
        }
      }
      return work;
    });
  }

  /** Marks the open attempts of these deliveries `interrupted` and returns each delivery's last attempt. */
  private async closeInterrupted(manager: EntityManager, deliveryIds: readonly string[]): Promise<Map<string, RecordedAttempt>> {
    await manager.query(
      `UPDATE delivery_attempts SET outcome = 'interrupted', error_code = 'interrupted', error = $2, finished_at = clock_timestamp()
        WHERE delivery_id = ANY($1::uuid[]) AND outcome IS NULL`,
      [deliveryIds, INTERRUPTED_ERROR],
    );
    const rows: AttemptRow[] = await manager.query(
      `SELECT DISTINCT ON (delivery_id) delivery_id, attempt, outcome, status_code, error_code, error
         FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])
        ORDER BY delivery_id, attempt DESC`,
      [deliveryIds],
    );
    return new Map(
      rows.map((row) => [
        row.delivery_id,
        { attempt: Number(row.attempt), outcome: row.outcome ?? 'interrupted', statusCode: row.status_code, errorCode: row.error_code, error: row.error },
      ]),
    );
  }

  /**
   * Records attempt `attempt`'s result and applies the decision: `succeeded`, or `pending` until the retry is
   * due, or (dead) still `sending` under a fresh lease until the dead letter is published and `markDead` runs.
   * Returns false when the claim was lost (the lease ran out and another instance took the delivery over): the
   * attempt's result is still recorded, the delivery is left to its new claimant.
   */
  async recordResult(deliveryId: string, attempt: number, result: DeliveryAttempt, decision: DeliveryDecision): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE delivery_attempts
            SET outcome = $3, status_code = $4, error_code = $5, error = $6, target = $7, response = $8, duration_ms = $9, finished_at = clock_timestamp()
          WHERE delivery_id = $1 AND attempt = $2 AND (outcome IS NULL OR outcome = 'interrupted')`,
        [deliveryId, attempt, result.outcome, result.statusCode, result.errorCode, result.error, result.target, result.response, result.durationMs],
      );
      const [assignments, parameters] =
        decision.action === 'succeed'
          ? [`status = 'succeeded', next_attempt_at = NULL`, []]
          : decision.action === 'retry'
            ? [`status = 'pending', next_attempt_at = ${LATER('$3')}`, [decision.delayMs]]
            : [`next_attempt_at = ${LATER('$3')}`, [this.leaseMs]];
      // A CTE, so the driver returns the rows (a bare UPDATE answers [rows, count]).
      const updated: unknown[] = await manager.query(
        `WITH changed AS (UPDATE deliveries SET ${assignments}, updated_at = clock_timestamp() WHERE id = $1 AND status = 'sending' AND attempts = $2 RETURNING id)
         SELECT id FROM changed`,
        [deliveryId, attempt, ...parameters],
      );
      return updated.length === 1;
    });
  }

  /** The delivery is dead (after its dead letter was published). False when the claim was lost. */
  async markDead(deliveryId: string, attempts: number, reason: DeadLetterReason): Promise<boolean> {
    const updated: unknown[] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE deliveries SET status = 'dead', dead_reason = $3, next_attempt_at = NULL, updated_at = clock_timestamp()
          WHERE id = $1 AND status = 'sending' AND attempts = $2 RETURNING id)
       SELECT id FROM changed`,
      [deliveryId, attempts, reason],
    );
    return updated.length === 1;
  }
}

function toClaimed(row: DueRow): ClaimedDelivery {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    eventId: row.event_id,
    kind: row.kind,
    issueId: row.issue_id,
    alert: row.alert,
    createdAt: new Date(row.created_at).getTime(),
    integration: { id: row.integration_id, organizationId: row.organization_id, type: row.type, config: row.config },
  };
}
