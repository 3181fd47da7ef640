import { createDataSource } from '@vigil/db';
import type { DeliveryAttempt, RetryPolicy } from '@vigil/integrations';
import { createLogger } from '@vigil/logging';
import { testConfig, waitFor } from '@vigil/testing';
import { DeliveryDispatcher } from '../deliveries/delivery-dispatcher';
import { DeliveryLedger, type ClaimedDelivery } from '../deliveries/delivery-ledger';
import { LedgerFixture } from './ledger-fixture';

/**
 * Delivery workers on the real ledger (Postgres), sending through a counting stand-in for the delivery layer:
 * two workers share the due deliveries and send each once; a worker that stops answering loses its batch to
 * another when the lease ends.
 */
const dataSource = createDataSource(testConfig(), { poolSize: 6 });
const POLICY: RetryPolicy = { baseMs: 0, factor: 1, capMs: 0, maxAttempts: 3 };
const fixture = new LedgerFixture(dataSource);
const logger = createLogger('dispatcher-test', 'silent');

/** The send of one worker: counts every attempt by delivery, answers as `answer` decides. */
function sender(sent: Map<string, number[]>, answer: (delivery: ClaimedDelivery, attempt: number) => Promise<DeliveryAttempt>) {
  return async (delivery: ClaimedDelivery, _integration: unknown, attempt: number): Promise<DeliveryAttempt> => {
    sent.set(delivery.id, [...(sent.get(delivery.id) ?? []), attempt]);
    return answer(delivery, attempt);
  };
}

function worker(leaseMs: number, concurrency: number, send: ReturnType<typeof sender>): DeliveryDispatcher {
  return new DeliveryDispatcher({
    ledger: new DeliveryLedger(dataSource, POLICY, leaseMs),
    send,
    publishDeadLetter: async () => undefined,
    policy: POLICY,
    pollMs: 20,
    concurrency,
    recordBudgetMs: 5000,
    logger,
  });
}

async function statuses(ids: readonly string[]): Promise<Array<{ id: string; status: string; attempts: number }>> {
  return dataSource.query('SELECT id, status, attempts FROM deliveries WHERE id = ANY($1::uuid[])', [ids]);
}

beforeAll(async () => {
  await dataSource.initialize();
  await fixture.create();
});

afterAll(async () => {
  await fixture.remove();
  await dataSource.destroy();
});

beforeEach(() => fixture.settleOthers());

describe('delivery workers on the ledger (Postgres)', () => {
  it('two workers claiming in batches at the same time send every delivery exactly once', async () => {
    const ids = await fixture.transitions(120);
    const delivered = (_delivery: ClaimedDelivery, attempt: number) =>
      new Promise<DeliveryAttempt>((resolve) => setTimeout(() => resolve(fixture.result('delivered', attempt)), Math.floor(Math.random() * 5)));
    const sentBy = [new Map<string, number[]>(), new Map<string, number[]>()];
    const workers = sentBy.map((sent) => worker(60_000, 8, sender(sent, delivered)));
    for (const each of workers) each.start();
    await waitFor('every delivery succeeded', async () => (await statuses(ids)).every((row) => row.status === 'succeeded'), {
      timeoutMs: 30000,
      intervalMs: 50,
    });
    await Promise.all(workers.map((each) => each.stop()));
    const sends = sentBy.flatMap((sent) => [...sent.entries()]);
    expect(sends.map(([id]) => id).sort()).toEqual([...ids].sort());
    expect(sends.every(([, attempts]) => attempts.length === 1 && attempts[0] === 1)).toBe(true);
    const recorded: Array<{ attempt: number; outcome: string }> = await dataSource.query(
      'SELECT attempt, outcome FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])',
      [ids],
    );
    expect(recorded).toHaveLength(ids.length);
    expect(recorded.every((row) => row.attempt === 1 && row.outcome === 'delivered')).toBe(true);
  });

  it('a worker that stops answering loses its batch when the lease ends: another sends each delivery again, each succeeds once', async () => {
    const ids = await fixture.transitions(10);
    const sent = new Map<string, number[]>();
    // The stuck worker's requests hang until the end of the test; its 10 slots are all taken, so it claims nothing more.
    const release: Array<() => void> = [];
    const stuck = worker(
      300,
      10,
      sender(sent, (_delivery, attempt) => new Promise<DeliveryAttempt>((resolve) => release.push(() => resolve(fixture.result('delivered', attempt))))),
    );
    stuck.start();
    await waitFor('the stuck worker holds every delivery', () => release.length === ids.length, { timeoutMs: 10000, intervalMs: 10 });
    const survivor = worker(
      60_000,
      8,
      sender(sent, async (_delivery, attempt) => fixture.result('delivered', attempt)),
    );
    survivor.start();
    await waitFor('every delivery succeeded', async () => (await statuses(ids)).every((row) => row.status === 'succeeded'), {
      timeoutMs: 10000,
      intervalMs: 50,
    });
    await survivor.stop();
    // The stuck worker answers at last: its results are kept as what attempt 1 came to, the deliveries stay as they are.
    for (const answer of release) answer();
    await stuck.stop();
    expect((await statuses(ids)).every((row) => row.status === 'succeeded' && row.attempts === 2)).toBe(true);
    expect(ids.map((id) => sent.get(id))).toEqual(ids.map(() => [1, 2]));
    const recorded: Array<{ attempt: number; outcome: string }> = await dataSource.query(
      'SELECT attempt, outcome FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt',
      [ids],
    );
    expect(recorded.filter((row) => row.attempt === 2).every((row) => row.outcome === 'delivered')).toBe(true);
    expect(recorded.filter((row) => row.attempt === 1).map((row) => row.outcome)).toEqual(ids.map(() => 'delivered'));
  });
});
