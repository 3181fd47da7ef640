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

/** The result of attempt `attempt` of a delivery, and what the retry policy decided from it. */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  result: DeliveryAttempt;
  decision: DeliveryDecision;
}

/** A delivery given up after `attempts` attempts, its dead letter published. */
export interface DeadMark {
  deliveryId: string;
  attempts: number;
  reason: DeadLetterReason;
}

interface DeliveryRow {
  id: string;
  idempotency_key: string;
  integration_id: string;
  event_id: string | null;
  kind: DeliveryKind;
  issue_id: string | null;
  alert: Alert;
  attempts: number;
  created_at: Date;
  organization_id: string;
  type: IntegrationType;
  config: unknown;
}

/** A row of the claim: a delivery claimed for its next attempt, or the id of a lease that ran out. */
type ClaimRow = ({ stale: false } & DeliveryRow) | ({ stale: true; id: string } & { [K in Exclude<keyof DeliveryRow, 'id'>]: null });

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  outcome: AttemptRecordOutcome | null;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
}

export const INTERRUPTED_ERROR = 'the notifier stopped before it recorded the result; the receiver may have got this attempt';

const LATER = (milliseconds: string) => `clock_timestamp() + (${milliseconds} * interval '1 millisecond')`;

/** Due: pending and its time has come, or `sending` with its lease run out; a resolve only after its opening. */
const DUE = `d.status IN ('pending', 'sending') AND d.next_attempt_at <= clock_timestamp()
            -- A resolve goes out after its issue's opening through the same integration is final, so a receiver
            -- (PagerDuty above all) never gets the resolve of an alert before the alert.
            AND NOT (d.kind = 'resolved' AND EXISTS (
                  SELECT 1 FROM deliveries o
                   WHERE o.issue_id = d.issue_id AND o.integration_id = d.integration_id AND o.kind = 'opened' AND o.status IN ('pending', 'sending')))`;

/**
 * The deliveries ledger in Postgres, as the delivery worker uses it. Every operation is one statement (or one
 * short transaction) for a whole batch of deliveries, whatever its size:
 * - `claimDue`: one statement picks up to N due deliveries with `FOR UPDATE SKIP LOCKED` (several notifier
 *   instances share them without waiting on each other and never get the same row), leases them (`sending`,
 *   `next_attempt_at` = the lease's end) and inserts their attempts as started;
 * - `recordResults`: one statement completes the attempts and applies each decision;
 * - `markDead`: one statement marks deliveries dead.
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
   * Claims up to `limit` due deliveries. Pending ones are claimed, leased and their attempts started in one
   * statement; the rare ones whose lease ran out (a crashed claimant) are taken over in a transaction of their
   * own (`takeOver`), since what becomes of them depends on their last attempt.
   */
  async claimDue(limit: number): Promise<ClaimedWork[]> {
    const rows: ClaimRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT d.id, d.status FROM deliveries d
          WHERE ${DUE}
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE deliveries d
            SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = ${LATER('$2::integer')}, updated_at = clock_timestamp()
           FROM due
          WHERE d.id = due.id AND due.status = 'pending'
         RETURNING d.id, d.idempotency_key, d.integration_id, d.event_id, d.kind, d.issue_id, d.alert, d.attempts, d.created_at
       ), started AS (
         -- Recorded before anything is sent: an attempt the notifier dies in is found and called interrupted.
         INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at)
         SELECT gen_random_uuid(), c.id, c.attempts, clock_timestamp() FROM claimed c
       )
       SELECT false AS stale, c.id, c.idempotency_key, c.integration_id, c.event_id, c.kind, c.issue_id, c.alert, c.attempts, c.created_at,
              i.organization_id, i.type, i.config
         FROM claimed c JOIN integrations i ON i.id = c.integration_id
       UNION ALL
       SELECT true, due.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM due WHERE due.status = 'sending'`,
      [limit, this.leaseMs],
    );
    const work: ClaimedWork[] = [];
    const stale: string[] = [];
    for (const row of rows) {
      if (row.stale) stale.push(row.id);
      else work.push({ kind: 'send', delivery: toClaimed(row), attempt: Number(row.attempts) });
    }
    if (stale.length > 0) work.push(...(await this.takeOver(stale)));
    return work;
  }

  /**
   * Deliveries still `sending` past their lease: the notifier that claimed them stopped. Their open attempts
   * are marked `interrupted`, and each one's last attempt decides (`decideAfterStaleClaim`): succeeded, the
   * next attempt at once, or dead (handed back as `dead` under a fresh lease until its dead letter is out).
   */
  private async takeOver(deliveryIds: readonly string[]): Promise<ClaimedWork[]> {
    return this.dataSource.transaction(async (manager) => {
      // Locked again and checked again: another instance may have taken one over since the claim statement.
      const rows: DeliveryRow[] = await manager.query(
        `SELECT d.id, d.idempotency_key, d.integration_id, d.event_id, d.kind, d.issue_id, d.alert, d.attempts, d.created_at,
                i.organization_id, i.type, i.config
           FROM deliveries d JOIN integrations i ON i.id = d.integration_id
          WHERE d.id = ANY($1::uuid[]) AND d.status = 'sending' AND d.next_attempt_at <= clock_timestamp()
          FOR UPDATE OF d SKIP LOCKED`,
        [deliveryIds],
      );
      if (rows.length === 0) return [];
      const last = await this.closeInterrupted(
        manager,
        rows.map((row) => row.id),
      );
      const work: ClaimedWork[] = [];
      const updates: Array<{ id: string; status: 'succeeded' | 'sending'; attempts: number; leaseMs: number | null }> = [];
      for (const row of rows) {
        const delivery = toClaimed(row);
        const attempts = Number(row.attempts);
        const previous = last.get(row.id) ?? null;
        const decision = decideAfterStaleClaim(this.policy, attempts, previous?.outcome ?? 'interrupted');
        if (decision.action === 'succeed') {
          updates.push({ id: row.id, status: 'succeeded', attempts, leaseMs: null });
        } else if (decision.action === 'dead') {
          updates.push({ id: row.id, status: 'sending', attempts, leaseMs: this.leaseMs });
          work.push({ kind: 'dead', delivery, attempts, reason: decision.reason, last: previous });
        } else {
          updates.push({ id: row.id, status: 'sending', attempts: attempts + 1, leaseMs: this.leaseMs });
          work.push({ kind: 'send', delivery, attempt: attempts + 1 });
        }
      }
      await manager.query(
        `UPDATE deliveries d
            SET status = u.status, attempts = u.attempts,
                next_attempt_at = CASE WHEN u.lease_ms IS NULL THEN NULL ELSE ${LATER('u.lease_ms')} END, updated_at = clock_timestamp()
           FROM unnest($1::uuid[], $2::varchar[], $3::integer[], $4::integer[]) AS u(id, status, attempts, lease_ms)
          WHERE d.id = u.id`,
        [
          updates.map((update) => update.id),
          updates.map((update) => update.status),
          updates.map((update) => update.attempts),
          updates.map((update) => update.leaseMs),
        ],
      );
      const started = work.filter((item): item is Extract<ClaimedWork, { kind: 'send' }> => item.kind === 'send');
      if (started.length > 0) {
        await manager.query(
          `INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at)
           SELECT gen_random_uuid(), s.delivery_id, s.attempt, clock_timestamp() FROM unnest($1::uuid[], $2::integer[]) AS s(delivery_id, attempt)`,
          [started.map((item) => item.delivery.id), started.map((item) => item.attempt)],
        );
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
   * Records the attempts' results and applies their decisions, in one statement: `succeeded`, or `pending`
   * until the retry is due, or (dead) still `sending` under a fresh lease until the dead letter is published
   * and `markDead` runs. For each record, in order: false when its claim was lost (the lease ran out and
   * another instance took the delivery over): the attempt's result is still recorded, the delivery is left to
   * its new claimant.
   */
  async recordResults(records: readonly AttemptRecord[]): Promise<boolean[]> {
    if (records.length === 0) return [];
    const column = <T>(pick: (record: AttemptRecord) => T): T[] => records.map(pick);
    // A CTE, so the driver returns the rows (a bare UPDATE answers [rows, count]); the attempts' update runs
    // whether or not the delivery is still this claim's.
    const owned: Array<{ id: string; attempts: number }> = await this.dataSource.query(
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::integer[], $3::varchar[], $4::integer[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::integer[], $10::varchar[], $11::integer[])
             AS r(delivery_id, attempt, outcome, status_code, error_code, error, target, response, duration_ms, action, wait_ms)
       ), recorded AS (
         UPDATE delivery_attempts a
            SET outcome = r.outcome, status_code = r.status_code, error_code = r.error_code, error = r.error, target = r.target,
                response = r.response, duration_ms = r.duration_ms, finished_at = clock_timestamp()
           FROM r
          WHERE a.delivery_id = r.delivery_id AND a.attempt = r.attempt AND (a.outcome IS NULL OR a.outcome = 'interrupted')
       ), changed AS (
         UPDATE deliveries d
            SET status = CASE r.action WHEN 'succeed' THEN 'succeeded' WHEN 'retry' THEN 'pending' ELSE d.status END,
                next_attempt_at = CASE r.action WHEN 'succeed' THEN NULL ELSE ${LATER('r.wait_ms')} END,
                updated_at = clock_timestamp()
           FROM r
          WHERE d.id = r.delivery_id AND d.status = 'sending' AND d.attempts = r.attempt
         RETURNING d.id, d.attempts
       )
       SELECT id, attempts FROM changed`,
      [
        column((record) => record.deliveryId),
        column((record) => record.attempt),
        column((record) => record.result.outcome),
        column((record) => record.result.statusCode),
        column((record) => record.result.errorCode),
        column((record) => storable(record.result.error)),
        column((record) => storable(record.result.target)),
        column((record) => storable(record.result.response)),
        column((record) => Math.round(record.result.durationMs)),
        column((record) => record.decision.action),
        // A retry waits its backoff; a dead delivery keeps a fresh lease until its dead letter is out.
        column((record) => (record.decision.action === 'retry' ? record.decision.delayMs : record.decision.action === 'dead' ? this.leaseMs : null)),
      ],
    );
    const keys = new Set(owned.map((row) => `${row.id}#${Number(row.attempts)}`));
    return records.map((record) => keys.has(`${record.deliveryId}#${record.attempt}`));
  }

  /** The deliveries are dead (after their dead letters were published), in one statement. False where the claim was lost. */
  async markDead(marks: readonly DeadMark[]): Promise<boolean[]> {
    if (marks.length === 0) return [];
    const updated: Array<{ id: string; attempts: number }> = await this.dataSource.query(
      `WITH changed AS (
         UPDATE deliveries d SET status = 'dead', dead_reason = m.reason, next_attempt_at = NULL, updated_at = clock_timestamp()
           FROM unnest($1::uuid[], $2::integer[], $3::varchar[]) AS m(id, attempts, reason)
          WHERE d.id = m.id AND d.status = 'sending' AND d.attempts = m.attempts
         RETURNING d.id, d.attempts)
       SELECT id, attempts FROM changed`,
      [marks.map((mark) => mark.deliveryId), marks.map((mark) => mark.attempts), marks.map((mark) => mark.reason)],
    );
    const keys = new Set(updated.map((row) => `${row.id}#${Number(row.attempts)}`));
    return marks.map((mark) => keys.has(`${mark.deliveryId}#${mark.attempts}`));
  }
}

/**
 * Text as Postgres can store it: without NUL characters, which a receiver's answer may hold and Postgres text
 * refuses (the whole batch's write would fail, and the attempt be sent again when its lease ends).
 */
function storable(text: string | null): string | null {
  // eslint-disable-next-line no-control-regex -- removing NUL is the point
  return text === null ? null : text.replace(/\u0000/g, '');
}

function toClaimed(row: DeliveryRow): ClaimedDelivery {
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
