import type { NotificationDeadLetterV1 } from '@vigil/contracts';
import { failure, parseIntegrationConfig, type DeliveryAttempt, type Integration, type Random, type RetryPolicy } from '@vigil/integrations';
import type { Logger } from '@vigil/logging';
import { deadLetterOf } from './dead-letter';
import { decideAfterAttempt } from './delivery-decision';
import type { AttemptRecord, ClaimedDelivery, ClaimedWork, DeadMark, RecordedAttempt } from './delivery-ledger';
import { WriteBatcher } from './write-batcher';

/** The longest wait between two claims while claiming fails. */
const MAX_CLAIM_BACKOFF_MS = 5000;

/** The ledger operations the dispatcher needs (`DeliveryLedger`), each one statement for a whole batch. */
export interface DispatchLedger {
  claimDue(limit: number): Promise<ClaimedWork[]>;
  /** One answer per record, in order: false when the claim was lost (see `DeliveryLedger.recordResults`). */
  recordResults(records: readonly AttemptRecord[]): Promise<boolean[]>;
  /** One answer per mark, in order: false when the claim was lost. */
  markDead(marks: readonly DeadMark[]): Promise<boolean[]>;
}

export interface DispatcherOptions {
  ledger: DispatchLedger;
  /** One attempt (`deliver` from `@vigil/integrations` with the service's deps). Never throws for a failed delivery. */
  send: (delivery: ClaimedDelivery, integration: Integration, attempt: number) => Promise<DeliveryAttempt>;
  /** Publishes a dead letter; resolves once Kafka acknowledged it. */
  publishDeadLetter: (record: NotificationDeadLetterV1) => Promise<void>;
  policy: RetryPolicy;
  /** How often due deliveries are looked for when nobody wakes the dispatcher. */
  pollMs: number;
  /** Attempts in flight at most. */
  concurrency: number;
  /** How long a result may take to be recorded (Postgres away) before the attempt is left to the lease. */
  recordBudgetMs: number;
  logger: Logger;
  random?: Random;
  now?: () => number;
  /** Told what became of each attempt this dispatcher recorded (for metrics). */
  settled?: (delivery: ClaimedDelivery, outcome: DeliveryOutcome) => void;
}

/** What became of one attempt: the alert arrived, another attempt follows, or the delivery was given up (dead-lettered). */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead';

/**
 * The delivery worker's loop, without Nest or Kafka consumers: claims due deliveries from the ledger in
 * batches (as many as there are free slots of `concurrency`, in one statement), sends them concurrently,
 * records each result and what follows (succeeded, a retry after backoff, or dead: the dead letter first, then
 * the status). Results and dead marks are written in batches too (`WriteBatcher`): the attempts that finish
 * while a write is running go out together in the next one. It sleeps `pollMs` between looks unless `wake()`
 * says new deliveries were just written or attempts finished. Nothing here keeps state a crash would lose: the
 * ledger is the state.
 */
export class DeliveryDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly results: WriteBatcher<AttemptRecord, boolean>;
  private readonly deaths: WriteBatcher<DeadMark, boolean>;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private woken = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.results = new WriteBatcher((records) => options.ledger.recordResults(records), options.concurrency);
    this.deaths = new WriteBatcher((marks) => options.ledger.markDead(marks), options.concurrency);
  }

  get isRunning(): boolean {
    return this.loop !== null && !this.stopping;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** New deliveries are due: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Claims nothing more and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { logger, concurrency, pollMs } = this.options;
    let failures = 0;
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size;
      if (free > 0) {
        try {
          for (const work of await this.options.ledger.claimDue(free)) this.track(this.handle(work));
          if (failures > 0) logger.info({ failures }, 'claiming due deliveries works again');
          failures = 0;
        } catch (error) {
          failures += 1;
          // Postgres away: say so when it starts and now and then, and look less often meanwhile.
          if (failures === 1 || failures % 20 === 0) logger.warn({ err: error, failures }, 'could not claim due deliveries');
        }
      }
      await this.idle(failures === 0 ? pollMs : Math.min(pollMs * 2 ** failures, MAX_CLAIM_BACKOFF_MS));
      // One more turn of the event loop: every attempt whose result the same batched write recorded has left
      // `inFlight` by then, so the next claim takes their slots together instead of one by one.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'delivery handling failed'))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wake();
      });
    this.inFlight.add(tracked);
  }

  /** Resolves on `wake()` (new deliveries, a finished attempt, stop) or after `ms`. */
  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }

  private async handle(work: ClaimedWork): Promise<void> {
    if (work.kind === 'dead') {
      await this.bury(work.delivery, work.attempts, work.reason, work.last);
      return;
    }
    const { delivery, attempt } = work;
    const result = await this.attempt(delivery, attempt);
    const decision = decideAfterAttempt(this.options.policy, attempt, result, this.options.random);
    const context = logContext(delivery, attempt);
    const detail = {
      outcome: result.outcome,
      status_code: result.statusCode,
      error_code: result.errorCode,
      error: result.error,
      duration_ms: result.durationMs,
      target: result.target,
    };
    const record: AttemptRecord = { deliveryId: delivery.id, attempt, result, decision };
    const owned = await this.record(delivery, attempt, (alone) =>
      alone ? this.options.ledger.recordResults([record]).then(([one]) => one === true) : this.results.add(record),
    );
    if (owned === null) return;
    if (!owned) {
      this.options.logger.warn(
        { ...context, ...detail },
        'delivery was taken over by another notifier while this attempt ran; its result is recorded, the delivery left alone',
      );
      return;
    }
    if (decision.action === 'succeed') {
      this.options.settled?.(delivery, 'delivered');
      this.options.logger.info({ ...context, ...detail }, 'alert delivered');
    } else if (decision.action === 'retry') {
      this.options.settled?.(delivery, 'retrying');
      this.options.logger.warn({ ...context, ...detail, retry_in_ms: decision.delayMs }, 'delivery attempt failed; retrying');
    } else await this.bury(delivery, attempt, decision.reason, { statusCode: result.statusCode, errorCode: result.errorCode, error: result.error });
  }

  /** One attempt; an integration whose stored config no longer validates fails permanently without sending. */
  private async attempt(delivery: ClaimedDelivery, attempt: number): Promise<DeliveryAttempt> {
    let integration: Integration;
    try {
      integration = { id: delivery.integration.id, config: parseIntegrationConfig(delivery.integration.config) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...failure('permanent', 'invalid_target', `the integration's stored config is not valid: ${message}`, 0),
        integrationId: delivery.integration.id,
        channel: delivery.integration.type,
        target: delivery.integration.type,
        idempotencyKey: delivery.alert.idempotencyKey,
        attempt,
        startedAt: (this.options.now ?? Date.now)(),
      };
    }
    return this.options.send(delivery, integration, attempt);
  }

  /** Publishes the dead letter, then marks the delivery dead: a crash between them publishes it again, never loses it. */
  private async bury(
    delivery: ClaimedDelivery,
    attempts: number,
    reason: NotificationDeadLetterV1['reason'],
    last: Omit<RecordedAttempt, 'attempt' | 'outcome'> | null,
  ): Promise<void> {
    const context = logContext(delivery, attempts);
    await this.options.publishDeadLetter(deadLetterOf(delivery, attempts, reason, last, (this.options.now ?? Date.now)()));
    const mark: DeadMark = { deliveryId: delivery.id, attempts, reason };
    const owned = await this.record(delivery, attempts, (alone) =>
      alone ? this.options.ledger.markDead([mark]).then(([one]) => one === true) : this.deaths.add(mark),
    );
    if (owned) this.options.settled?.(delivery, 'dead');
    if (owned)
      this.options.logger.error(
        { ...context, reason, status_code: last?.statusCode ?? null, error_code: last?.errorCode ?? null, error: last?.error ?? null },
        'alert not delivered: written to the dead-letter topic',
      );
  }

  /**
   * A ledger write after an attempt, retried while Postgres is away for up to `recordBudgetMs`. Null when it
   * never succeeded: the delivery stays `sending` and is taken up again when its lease ends. The first try goes
   * out with the batch; a retry is written alone, so a batch that failed for one delivery's sake (a value
   * Postgres refuses) holds the others back once, not until their budget ends.
   */
  private async record(delivery: ClaimedDelivery, attempt: number, write: (alone: boolean) => Promise<boolean>): Promise<boolean | null> {
    const deadline = (this.options.now ?? Date.now)() + this.options.recordBudgetMs;
    for (let wait = 100, alone = false; ; wait = Math.min(wait * 2, 2000), alone = true) {
      try {
        return await write(alone);
      } catch (error) {
        if ((this.options.now ?? Date.now)() + wait > deadline) {
          this.options.logger.error(
            { ...logContext(delivery, attempt), err: error },
            'could not record the delivery attempt; it is retried when its lease ends',
          );
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

/** The ids every log line about a delivery carries. Never the integration's config. */
export function logContext(delivery: ClaimedDelivery, attempt: number): Record<string, unknown> {
  return {
    delivery_id: delivery.id,
    integration_id: delivery.integration.id,
    integration_type: delivery.integration.type,
    issue_id: delivery.issueId,
    monitor_id: delivery.alert.monitor.id,
    environment: delivery.alert.environment,
    kind: delivery.kind,
    attempt,
  };
}
