import type { NotificationDeadLetterV1 } from '@vigil/contracts';
import type { DeliveryAttempt, RetryPolicy } from '@vigil/integrations';
import { createLogger } from '@vigil/logging';
import { DeliveryDispatcher, type DispatchLedger } from '../deliveries/delivery-dispatcher';
import type { AttemptRecord, ClaimedDelivery, ClaimedWork, DeadMark } from '../deliveries/delivery-ledger';
import { buildAlert } from '../alerts/alert-builder';
import { issueEvent } from './issue-event-fixture';

/** Polls until `check` holds (a unit test has no real I/O to wait for, only the dispatcher's loop). */
async function waitFor(what: string, check: () => boolean, { timeoutMs }: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const POLICY: RetryPolicy = { baseMs: 0, factor: 1, capMs: 0, maxAttempts: 3 };
const INTEGRATION = 'a0000000-0000-4000-8000-00000000000a';

function claimed(id: string, config: unknown = { type: 'slack', webhook_url: 'https://hooks.example.com/services/x' }): ClaimedDelivery {
  return {
    id,
    idempotencyKey: `event:${INTEGRATION}`,
    eventId: 'event',
    kind: 'opened',
    issueId: issueEvent().issue_id,
    alert: buildAlert(issueEvent(), { organizationSlug: 'acme', projectSlug: 'backend', monitorName: 'Backup' }, id, 'https://vigil.example.com'),
    createdAt: 1,
    integration: { id: INTEGRATION, organizationId: 'org', type: 'slack', config },
  };
}

function result(outcome: DeliveryAttempt['outcome'], attempt: number): DeliveryAttempt {
  return {
    outcome,
    statusCode: outcome === 'delivered' ? 200 : 500,
    errorCode: outcome === 'delivered' ? null : 'http_status',
    error: outcome === 'delivered' ? null : 'HTTP 500',
    durationMs: 3,
    retryAfterMs: null,
    response: null,
    integrationId: INTEGRATION,
    channel: 'slack',
    target: 'slack:https://hooks.example.com',
    idempotencyKey: 'x',
    attempt,
    startedAt: 0,
  };
}

/**
 * A ledger that hands out scripted claims once and records what the dispatcher wrote, in order: each write
 * one line per item, and `batches` how many items each call carried.
 */
class ScriptedLedger implements DispatchLedger {
  readonly writes: string[] = [];
  readonly claims: number[] = [];
  readonly batches: Array<{ call: 'results' | 'dead'; size: number }> = [];
  /** Claims by this many deliveries are refused as lost (another notifier took them over). */
  readonly lost = new Set<string>();
  constructor(private script: ClaimedWork[]) {}
  async claimDue(limit: number): Promise<ClaimedWork[]> {
    const taken = this.script.slice(0, limit);
    this.script = this.script.slice(limit);
    if (taken.length > 0) this.claims.push(taken.length);
    return taken;
  }
  async recordResults(records: readonly AttemptRecord[]): Promise<boolean[]> {
    this.batches.push({ call: 'results', size: records.length });
    for (const record of records) this.writes.push(`result ${record.deliveryId} #${record.attempt} ${record.result.outcome} -> ${record.decision.action}`);
    return records.map((record) => !this.lost.has(record.deliveryId));
  }
  async markDead(marks: readonly DeadMark[]): Promise<boolean[]> {
    this.batches.push({ call: 'dead', size: marks.length });
    for (const mark of marks) this.writes.push(`dead ${mark.deliveryId} after ${mark.attempts} (${mark.reason})`);
    return marks.map((mark) => !this.lost.has(mark.deliveryId));
  }
}

function dispatcher(
  ledger: DispatchLedger,
  outcomes: Record<string, DeliveryAttempt['outcome']>,
  deadLetters: NotificationDeadLetterV1[],
  log: string[],
  overrides: Partial<ConstructorParameters<typeof DeliveryDispatcher>[0]> = {},
): DeliveryDispatcher {
  return new DeliveryDispatcher({
    ledger,
    send: async (delivery, _integration, attempt) => result(outcomes[delivery.id] ?? 'delivered', attempt),
    publishDeadLetter: async (record) => {
      log.push(`publish ${record.delivery_id}`);
      deadLetters.push(record);
    },
    policy: POLICY,
    pollMs: 5,
    concurrency: 4,
    recordBudgetMs: 100,
    logger: createLogger('test', 'silent'),
    ...overrides,
  });
}

const sends = (count: number, prefix = 'd'): ClaimedWork[] =>
  Array.from({ length: count }, (_, index) => ({ kind: 'send', delivery: claimed(`${prefix}${index}`), attempt: 1 }));
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('DeliveryDispatcher', () => {
  it('sends each claimed attempt and records the decision: success, retry, or dead with its dead letter first', async () => {
    const ledger = new ScriptedLedger([
      { kind: 'send', delivery: claimed('ok'), attempt: 1 },
      { kind: 'send', delivery: claimed('flaky'), attempt: 1 },
      { kind: 'send', delivery: claimed('last'), attempt: 3 },
    ]);
    const deadLetters: NotificationDeadLetterV1[] = [];
    const log = ledger.writes;
    const worker = dispatcher(ledger, { flaky: 'retryable', last: 'retryable' }, deadLetters, log);
    worker.start();
    await waitFor('four writes', () => log.length >= 4, { timeoutMs: 2000, intervalMs: 5 });
    await worker.stop();
    expect(log).toEqual(
      expect.arrayContaining(['result ok #1 delivered -> succeed', 'result flaky #1 retryable -> retry', 'result last #3 retryable -> dead']),
    );
    expect(log.indexOf('publish last')).toBeGreaterThan(log.indexOf('result last #3 retryable -> dead'));
    expect(log.indexOf('dead last after 3 (exhausted)')).toBeGreaterThan(log.indexOf('publish last'));
    expect(deadLetters).toEqual([
      expect.objectContaining({
        delivery_id: 'last',
        reason: 'exhausted',
        attempts: 3,
        last_status_code: 500,
        last_error_code: 'http_status',
        integration_id: INTEGRATION,
      }),
    ]);
  });

  it('a stale claim decided dead is published and marked without sending anything', async () => {
    const ledger = new ScriptedLedger([{ kind: 'dead', delivery: claimed('stale'), attempts: 3, reason: 'exhausted', last: null }]);
    const deadLetters: NotificationDeadLetterV1[] = [];
    const worker = dispatcher(ledger, {}, deadLetters, ledger.writes);
    worker.start();
    await waitFor('the dead mark', () => ledger.writes.some((write) => write.startsWith('dead')), { timeoutMs: 2000, intervalMs: 5 });
    await worker.stop();
    expect(ledger.writes).toEqual(['publish stale', 'dead stale after 3 (exhausted)']);
    expect(deadLetters[0]).toMatchObject({ last_status_code: null, last_error: null });
  });

  it('an integration whose stored config no longer validates fails permanently without a request', async () => {
    const ledger = new ScriptedLedger([{ kind: 'send', delivery: claimed('broken', { type: 'slack', webhook_url: 'ftp://nope' }), attempt: 1 }]);
    let sent = 0;
    const deadLetters: NotificationDeadLetterV1[] = [];
    const worker = new DeliveryDispatcher({
      ledger,
      send: async () => {
        sent += 1;
        return result('delivered', 1);
      },
      publishDeadLetter: async (record) => {
        deadLetters.push(record);
      },
      policy: POLICY,
      pollMs: 5,
      concurrency: 1,
      recordBudgetMs: 100,
      logger: createLogger('test', 'silent'),
    });
    worker.start();
    await waitFor('the dead mark', () => ledger.writes.some((write) => write.startsWith('dead')), { timeoutMs: 2000, intervalMs: 5 });
    await worker.stop();
    expect(sent).toBe(0);
    expect(ledger.writes).toEqual(['result broken #1 permanent -> dead', 'dead broken after 1 (permanent)']);
    expect(deadLetters[0]?.last_error).toMatch(/stored config is not valid: webhook_url/);
  });

  it('wake() makes it look at once instead of at the next poll', async () => {
    let claims = 0;
    const ledger: DispatchLedger = {
      claimDue: async () => {
        claims += 1;
        return [];
      },
      recordResults: async (records) => records.map(() => true),
      markDead: async (marks) => marks.map(() => true),
    };
    const worker = new DeliveryDispatcher({
      ledger,
      send: async () => result('delivered', 1),
      publishDeadLetter: async () => undefined,
      policy: POLICY,
      pollMs: 60_000,
      concurrency: 1,
      recordBudgetMs: 100,
      logger: createLogger('test', 'silent'),
    });
    worker.start();
    await waitFor('the first claim', () => claims === 1, { timeoutMs: 1000, intervalMs: 2 });
    worker.wake();
    await waitFor('a claim after the wake', () => claims === 2, { timeoutMs: 1000, intervalMs: 2 });
    await worker.stop();
  });

  it('claims as many deliveries as it has free slots in one call, and records their results in batched writes', async () => {
    const ledger = new ScriptedLedger(sends(10));
    const worker = dispatcher(ledger, {}, [], ledger.writes);
    worker.start();
    await waitFor('ten results', () => ledger.writes.length >= 10, { timeoutMs: 2000 });
    await worker.stop();
    // Concurrency 4: the first claim takes 4 at once, and no claim more than the free slots.
    expect(ledger.claims[0]).toBe(4);
    expect(Math.max(...ledger.claims)).toBeLessThanOrEqual(4);
    expect(sum(ledger.claims)).toBe(10);
    const resultWrites = ledger.batches.filter((batch) => batch.call === 'results').map((batch) => batch.size);
    expect(sum(resultWrites)).toBe(10);
    // The attempts that finished together were recorded together.
    expect(resultWrites[0]).toBe(4);
    expect(resultWrites.length).toBeLessThan(10);
    expect(new Set(ledger.writes).size).toBe(10);
  });

  it('a result whose claim was lost is recorded and the delivery left alone: no dead letter, no dead mark', async () => {
    const ledger = new ScriptedLedger([{ kind: 'send', delivery: claimed('taken'), attempt: 3 }]);
    ledger.lost.add('taken');
    const deadLetters: NotificationDeadLetterV1[] = [];
    const worker = dispatcher(ledger, { taken: 'retryable' }, deadLetters, ledger.writes);
    worker.start();
    await waitFor('the result', () => ledger.writes.length >= 1, { timeoutMs: 2000 });
    await worker.stop();
    expect(ledger.writes).toEqual(['result taken #3 retryable -> dead']);
    expect(deadLetters).toEqual([]);
  });

  it('a batched write that fails is written again, for every delivery it carried, within the record budget', async () => {
    class FlakyLedger extends ScriptedLedger {
      failures = 1;
      override async recordResults(records: readonly AttemptRecord[]): Promise<boolean[]> {
        if (this.failures > 0) {
          this.failures -= 1;
          this.batches.push({ call: 'results', size: -records.length });
          throw new Error('connection lost');
        }
        return super.recordResults(records);
      }
    }
    const ledger = new FlakyLedger(sends(3));
    const worker = dispatcher(ledger, {}, [], ledger.writes, { recordBudgetMs: 5000 });
    worker.start();
    await waitFor('three results', () => ledger.writes.length >= 3, { timeoutMs: 3000 });
    await worker.stop();
    // The failed batch, then each delivery again on its own.
    expect(ledger.batches).toEqual([
      { call: 'results', size: -3 },
      { call: 'results', size: 1 },
      { call: 'results', size: 1 },
      { call: 'results', size: 1 },
    ]);
    expect([...ledger.writes].sort()).toEqual(['result d0 #1 delivered -> succeed', 'result d1 #1 delivered -> succeed', 'result d2 #1 delivered -> succeed']);
  });

  it('a delivery whose result Postgres keeps refusing holds the others of its batch back once, and is left to its lease', async () => {
    class PoisonedLedger extends ScriptedLedger {
      override async recordResults(records: readonly AttemptRecord[]): Promise<boolean[]> {
        if (records.some((record) => record.deliveryId === 'poison')) throw new Error('invalid byte sequence');
        return super.recordResults(records);
      }
    }
    const ledger = new PoisonedLedger([...sends(2), { kind: 'send', delivery: claimed('poison'), attempt: 1 }]);
    const worker = dispatcher(ledger, {}, [], ledger.writes, { recordBudgetMs: 1000 });
    worker.start();
    await waitFor('the two others', () => ledger.writes.length >= 2, { timeoutMs: 3000 });
    // Well before the poisoned one's budget ends: the others were written alone after one failed batch.
    expect([...ledger.writes].sort()).toEqual(['result d0 #1 delivered -> succeed', 'result d1 #1 delivered -> succeed']);
    await worker.stop();
    expect(ledger.writes).toHaveLength(2);
  });
});
