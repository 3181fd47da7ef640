// expect from @jest/globals: its asymmetric matchers are typed, @types/jest's are any.
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DeadLetterReason } from '@vigil/contracts';
import { createDataSource } from '@vigil/db';
import type { DeliveryAttempt, RetryPolicy } from '@vigil/integrations';
import { createLogger } from '@vigil/logging';
import { testConfig } from '@vigil/testing';
import type { DeliveryDecision } from '../deliveries/delivery-decision';
import { DeliveryLedger, INTERRUPTED_ERROR } from '../deliveries/delivery-ledger';
import { RecordTransitions } from '../transitions/record-transitions.usecase';
import { TransitionRepository } from '../transitions/transition.repository';
import { issueEvent } from './issue-event-fixture';
import { LedgerFixture } from './ledger-fixture';

/** The ledger on real Postgres (the test database global setup migrated): idempotent inserts, claims, leases. */
const dataSource = createDataSource(testConfig(), { poolSize: 4 });
const POLICY: RetryPolicy = { baseMs: 0, factor: 1, capMs: 0, maxAttempts: 3 };
const logger = createLogger('ledger-test', 'silent');
const fixture = new LedgerFixture(dataSource);
const delivery = (id: string) => fixture.delivery(id);
const attempts = (id: string) => fixture.attempts(id);
const result = (outcome: DeliveryAttempt['outcome'], attempt: number) => fixture.result(outcome, attempt);
const transition = () => fixture.transition();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let organizationId: string;
let projectId: number;
let monitorId: string;
let integrationId: string;

/** One attempt's result through the batched write. */
async function recordOne(
  ledger: DeliveryLedger,
  deliveryId: string,
  attempt: number,
  attemptResult: DeliveryAttempt,
  decision: DeliveryDecision,
): Promise<boolean> {
  const [owned] = await ledger.recordResults([{ deliveryId, attempt, result: attemptResult, decision }]);
  return owned!;
}

async function markDeadOne(ledger: DeliveryLedger, deliveryId: string, attempts: number, reason: DeadLetterReason): Promise<boolean> {
  const [owned] = await ledger.markDead([{ deliveryId, attempts, reason }]);
  return owned!;
}

/** Claims until this delivery is among the claims (other tests' leftovers may be due too). */
async function claimOne(ledger: DeliveryLedger, id: string) {
  const work = await ledger.claimDue(100);
  return work.find((item) => item.delivery.id === id);
}

beforeAll(async () => {
  await dataSource.initialize();
  await fixture.create();
  ({ organizationId, projectId, monitorId, integrationId } = fixture);
});

afterAll(async () => {
  await fixture.remove();
  await dataSource.destroy();
});

describe('deliveries ledger (Postgres)', () => {
  it('a redelivered transition finds its key and inserts nothing', async () => {
    const eventId = `${randomUUID()}:issue.opened:${randomUUID()}`;
    const event = issueEvent({ event_id: eventId, project_id: projectId, monitor_id: monitorId, organization_id: organizationId });
    const recorder = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: 'https://vigil.example.com' }, logger);
    expect(await recorder.handle([event])).toBe(1);
    expect(await recorder.handle([event, event])).toBe(0);
    const rows: Array<{ idempotency_key: string; status: string; alert: { monitor: { name: string } } }> = await dataSource.query(
      'SELECT idempotency_key, status, alert FROM deliveries WHERE event_id = $1',
      [eventId],
    );
    expect(rows).toEqual([
      {
        idempotency_key: `${eventId}:${integrationId}`,
        status: 'pending',
        alert: expect.objectContaining({ monitor: expect.objectContaining({ name: 'Nightly backup' }) }),
      },
    ]);
  });

  it('concurrent claimers never get the same delivery (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => transition()));
    const a = new DeliveryLedger(dataSource, POLICY, 60_000);
    const b = new DeliveryLedger(dataSource, POLICY, 60_000);
    const [first, second] = await Promise.all([a.claimDue(100), b.claimDue(100)]);
    const claimedA = first.map((work) => work.delivery.id).filter((id) => ids.includes(id));
    const claimedB = second.map((work) => work.delivery.id).filter((id) => ids.includes(id));
    expect([...claimedA, ...claimedB].sort()).toEqual([...ids].sort());
    expect(claimedA.filter((id) => claimedB.includes(id))).toEqual([]);
    for (const id of ids) {
      expect(await delivery(id)).toMatchObject({ status: 'sending', attempts: 1 });
      expect(await attempts(id)).toEqual([{ attempt: 1, outcome: null, status_code: null, error: null }]);
    }
    // Claimed and leased: nobody gets them again while the lease runs.
    expect((await a.claimDue(100)).filter((work) => ids.includes(work.delivery.id))).toEqual([]);
  });

  it('records a retry as pending until due, then a success; the attempts stay', async () => {
    const id = await transition();
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    expect(await claimOne(ledger, id)).toMatchObject({ kind: 'send', attempt: 1 });
    expect(await recordOne(ledger, id, 1, result('retryable', 1), { action: 'retry', delayMs: 60_000 })).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await delivery(id)).due_in_ms).toBeGreaterThan(50_000);
    expect(await claimOne(ledger, id)).toBeUndefined();
    await dataSource.query('UPDATE deliveries SET next_attempt_at = clock_timestamp() WHERE id = $1', [id]);
    expect(await claimOne(ledger, id)).toMatchObject({ kind: 'send', attempt: 2 });
    expect(await recordOne(ledger, id, 2, result('delivered', 2), { action: 'succeed' })).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: 'succeeded', attempts: 2, due_in_ms: null });
    expect(await attempts(id)).toEqual([
      { attempt: 1, outcome: 'retryable', status_code: 503, error: 'HTTP 503' },
      { attempt: 2, outcome: 'delivered', status_code: 200, error: null },
    ]);
  });

  it('a claim whose lease ran out is taken over: its attempt is interrupted, the next one starts, the old claimant is fenced off', async () => {
    const id = await transition();
    const crashed = new DeliveryLedger(dataSource, POLICY, 1);
    expect(await claimOne(crashed, id)).toMatchObject({ kind: 'send', attempt: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const survivor = new DeliveryLedger(dataSource, POLICY, 60_000);
    expect(await claimOne(survivor, id)).toMatchObject({ kind: 'send', attempt: 2 });
    expect(await attempts(id)).toEqual([
      { attempt: 1, outcome: 'interrupted', status_code: null, error: INTERRUPTED_ERROR },
      { attempt: 2, outcome: null, status_code: null, error: null },
    ]);
    // The first claimant comes back late: its real result is kept, the delivery is not its to change.
    expect(await recordOne(crashed, id, 1, result('delivered', 1), { action: 'succeed' })).toBe(false);
    expect(await delivery(id)).toMatchObject({ status: 'sending', attempts: 2 });
    expect((await attempts(id))[0]).toMatchObject({ outcome: 'delivered', status_code: 200 });
    expect(await recordOne(survivor, id, 2, result('delivered', 2), { action: 'succeed' })).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: 'succeeded' });
  });

  it('a stale claim at the last attempt is handed over as dead, then marked dead once', async () => {
    const id = await transition();
    await dataSource.query(`UPDATE deliveries SET status = 'sending', attempts = 3, next_attempt_at = clock_timestamp() WHERE id = $1`, [id]);
    await dataSource.query(`INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at) VALUES ($1, $2, 3, clock_timestamp())`, [randomUUID(), id]);
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    expect(await claimOne(ledger, id)).toMatchObject({ kind: 'dead', attempts: 3, reason: 'exhausted', last: { attempt: 3, outcome: 'interrupted' } });
    expect(await markDeadOne(ledger, id, 3, 'exhausted')).toBe(true);
    expect(await markDeadOne(ledger, id, 3, 'exhausted')).toBe(false);
    expect(await delivery(id)).toMatchObject({ status: 'dead', dead_reason: 'exhausted', due_in_ms: null });
  });

  it('deleting the integration takes its rules and pending deliveries along', async () => {
    const other = randomUUID();
    await dataSource.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, 'Temp', 'slack', $3)`, [
      other,
      organizationId,
      JSON.stringify({ type: 'slack', webhook_url: 'https://hooks.example.com/services/x' }),
    ]);
    await dataSource.query(`INSERT INTO alert_rules (id, project_id, integration_id) VALUES ($1, $2, $3)`, [randomUUID(), projectId, other]);
    const eventId = `${randomUUID()}:issue.opened:x`;
    const recorder = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: 'https://vigil.example.com' }, logger);
    expect(await recorder.handle([issueEvent({ event_id: eventId, project_id: projectId, monitor_id: monitorId, organization_id: organizationId })])).toBe(2);
    await dataSource.query('DELETE FROM integrations WHERE id = $1', [other]);
    expect(await dataSource.query('SELECT integration_id FROM deliveries WHERE event_id = $1', [eventId])).toEqual([{ integration_id: integrationId }]);
  });
});

describe('deliveries ledger: order within an issue', () => {
  it('a resolve waits until the opening of its issue through the same integration is final', async () => {
    const issueId = randomUUID();
    const recorder = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: 'https://vigil.example.com' }, logger);
    const base = { issue_id: issueId, project_id: projectId, monitor_id: monitorId, organization_id: organizationId };
    await recorder.handle([
      issueEvent({ ...base, event_id: `${issueId}:issue.opened:a` }),
      issueEvent({ ...base, event_id: `${issueId}:issue.resolved:b`, kind: 'issue.resolved', status: 'ok', resolved_at: Date.now() }),
    ]);
    const ids: Array<{ id: string; kind: string }> = await dataSource.query('SELECT id, kind FROM deliveries WHERE issue_id = $1', [issueId]);
    const opened = ids.find((row) => row.kind === 'opened')!.id;
    const resolved = ids.find((row) => row.kind === 'resolved')!.id;
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    const first = (await ledger.claimDue(100)).map((work) => work.delivery.id);
    expect(first).toContain(opened);
    expect(first).not.toContain(resolved);
    expect(await recordOne(ledger, opened, 1, result('retryable', 1), { action: 'retry', delayMs: 0 })).toBe(true);
    expect((await ledger.claimDue(100)).map((work) => work.delivery.id)).toEqual(expect.arrayContaining([opened]));
    expect(await delivery(resolved)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await markDeadOne(ledger, opened, 2, 'permanent')).toBe(true);
    expect((await ledger.claimDue(100)).map((work) => work.delivery.id)).toContain(resolved);
  });
});

describe('deliveries ledger: batched claims and writes', () => {
  beforeEach(() => fixture.settleOthers());
  afterEach(() => jest.restoreAllMocks());

  it('one statement claims up to N due deliveries, leases them and starts their attempts; one statement records their results', async () => {
    const ids = await fixture.transitions(20);
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    const queries = jest.spyOn(dataSource, 'query');
    const work = await ledger.claimDue(8);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(work).toHaveLength(8);
    // Oldest due first: the consumer's batch inserted them in order, all due at once, so any 8 of the 20.
    const claimed = work.map((item) => {
      expect(item).toMatchObject({ kind: 'send', attempt: 1, delivery: { integration: { id: integrationId, type: 'webhook' } } });
      return item.delivery.id;
    });
    expect(ids).toEqual(expect.arrayContaining(claimed));
    for (const id of ids) {
      const row = await delivery(id);
      if (claimed.includes(id)) {
        expect(row).toMatchObject({ status: 'sending', attempts: 1 });
        expect(row.due_in_ms).toBeGreaterThan(50_000);
        expect(await attempts(id)).toEqual([{ attempt: 1, outcome: null, status_code: null, error: null }]);
      } else {
        expect(row).toMatchObject({ status: 'pending', attempts: 0 });
        expect(await attempts(id)).toEqual([]);
      }
    }

    const decisions: DeliveryDecision[] = [
      { action: 'succeed' },
      { action: 'succeed' },
      { action: 'succeed' },
      { action: 'succeed' },
      { action: 'retry', delayMs: 60_000 },
      { action: 'retry', delayMs: 0 },
      { action: 'dead', reason: 'permanent' },
      { action: 'dead', reason: 'permanent' },
    ];
    const outcome = (decision: DeliveryDecision) => (decision.action === 'succeed' ? 'delivered' : decision.action === 'retry' ? 'retryable' : 'permanent');
    queries.mockClear();
    const owned = await ledger.recordResults(
      claimed.map((deliveryId, index) => ({ deliveryId, attempt: 1, result: result(outcome(decisions[index]!), 1), decision: decisions[index]! })),
    );
    expect(queries).toHaveBeenCalledTimes(1);
    expect(owned).toEqual(claimed.map(() => true));
    const rows = await Promise.all(claimed.map((id) => delivery(id)));
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
      ['pending', 1],
      ['pending', 1],
      // Dead after the dead letter is out: until then still this claim's, under a fresh lease.
      ['sending', 1],
      ['sending', 1],
    ]);
    expect(rows[0]!.due_in_ms).toBeNull();
    expect(rows[4]!.due_in_ms).toBeGreaterThan(50_000);
    expect(rows[5]!.due_in_ms).toBeLessThanOrEqual(0);
    expect(rows[6]!.due_in_ms).toBeGreaterThan(50_000);
    const recorded: Array<{ outcome: string; status_code: number; duration_ms: number; target: string; response: string; finished: boolean }> =
      await dataSource.query(
        `SELECT outcome, status_code, duration_ms, target, response, finished_at IS NOT NULL AS finished FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], delivery_id)`,
        [claimed],
      );
    expect(recorded.map((row) => [row.outcome, row.status_code])).toEqual(
      decisions.map((decision) => [outcome(decision), outcome(decision) === 'delivered' ? 200 : outcome(decision) === 'permanent' ? 404 : 503]),
    );
    expect(recorded.every((row) => row.duration_ms === 12 && row.target === 'webhook:https://hooks.example.com' && row.response === 'ok' && row.finished)).toBe(
      true,
    );

    queries.mockClear();
    const dead = claimed.slice(6);
    expect(await ledger.markDead(dead.map((deliveryId) => ({ deliveryId, attempts: 1, reason: 'permanent' })))).toEqual([true, true]);
    expect(queries).toHaveBeenCalledTimes(1);
    expect(await ledger.markDead(dead.map((deliveryId) => ({ deliveryId, attempts: 1, reason: 'permanent' })))).toEqual([false, false]);
    for (const id of dead) expect(await delivery(id)).toMatchObject({ status: 'dead', dead_reason: 'permanent', due_in_ms: null });
    // Claimed again: the retry due now and the 12 never claimed, nothing final, nothing leased.
    const next = (await ledger.claimDue(100)).map((item) => item.delivery.id);
    expect(next.sort()).toEqual([claimed[5]!, ...ids.filter((id) => !claimed.includes(id))].sort());
  });

  it('two ledgers claiming batches at the same time never get the same delivery, and together get every one', async () => {
    const ids = await fixture.transitions(60);
    const a = new DeliveryLedger(dataSource, POLICY, 60_000);
    const b = new DeliveryLedger(dataSource, POLICY, 60_000);
    const byA: string[] = [];
    const byB: string[] = [];
    for (let round = 0; round < 30 && byA.length + byB.length < ids.length; round += 1) {
      const [first, second] = await Promise.all([a.claimDue(7), b.claimDue(7)]);
      byA.push(...first.map((item) => item.delivery.id));
      byB.push(...second.map((item) => item.delivery.id));
    }
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    expect(new Set([...byA, ...byB]).size).toBe(ids.length);
    const started: Array<{ delivery_id: string; attempts: number }> = await dataSource.query(
      'SELECT delivery_id, count(*)::integer AS attempts FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) GROUP BY delivery_id',
      [ids],
    );
    expect(started).toHaveLength(ids.length);
    expect(started.every((row) => row.attempts === 1)).toBe(true);
  });

  it('a batch whose lease ran out is taken over by the next claim: every open attempt interrupted, the next one started; the late claimant changes nothing', async () => {
    const ids = await fixture.transitions(5);
    const crashed = new DeliveryLedger(dataSource, POLICY, 1);
    expect((await crashed.claimDue(10)).map((item) => item.delivery.id).sort()).toEqual([...ids].sort());
    await sleep(20);
    const survivor = new DeliveryLedger(dataSource, POLICY, 60_000);
    const taken = await survivor.claimDue(10);
    expect(taken.map((item) => [item.kind, item.kind === 'send' ? item.attempt : null]).sort()).toEqual(ids.map(() => ['send', 2]));
    for (const id of ids) {
      expect(await attempts(id)).toEqual([
        { attempt: 1, outcome: 'interrupted', status_code: null, error: INTERRUPTED_ERROR },
        { attempt: 2, outcome: null, status_code: null, error: null },
      ]);
    }
    // The first claimant comes back: its results are kept as what its attempts came to, the deliveries are not its own.
    expect(
      await crashed.recordResults(ids.map((deliveryId) => ({ deliveryId, attempt: 1, result: result('delivered', 1), decision: { action: 'succeed' } }))),
    ).toEqual(ids.map(() => false));
    for (const id of ids) {
      expect(await delivery(id)).toMatchObject({ status: 'sending', attempts: 2 });
      expect((await attempts(id))[0]).toMatchObject({ attempt: 1, outcome: 'delivered', status_code: 200 });
    }
    expect(
      await survivor.recordResults(ids.map((deliveryId) => ({ deliveryId, attempt: 2, result: result('delivered', 2), decision: { action: 'succeed' } }))),
    ).toEqual(ids.map(() => true));
    for (const id of ids) expect(await delivery(id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('a takeover decides from each last attempt: a recorded success is final, a recorded permanent failure is dead, an interrupted last attempt is dead when it was the last allowed', async () => {
    const [succeeded, permanent, exhausted, interrupted] = await fixture.transitions(4);
    const crashed = new DeliveryLedger(dataSource, POLICY, 1);
    await crashed.claimDue(10);
    // The crash came after the result was written, before the delivery was finished.
    await dataSource.query(`UPDATE delivery_attempts SET outcome = 'delivered', status_code = 200, finished_at = clock_timestamp() WHERE delivery_id = $1`, [
      succeeded,
    ]);
    // Recorded as dead; the crash came before its dead letter was published.
    expect(
      await crashed.recordResults([{ deliveryId: permanent!, attempt: 1, result: result('permanent', 1), decision: { action: 'dead', reason: 'permanent' } }]),
    ).toEqual([true]);
    // At its last allowed attempt when it crashed.
    await dataSource.query(`UPDATE deliveries SET attempts = 3 WHERE id = $1`, [exhausted]);
    await dataSource.query(`UPDATE delivery_attempts SET attempt = 3 WHERE delivery_id = $1`, [exhausted]);
    await sleep(20);
    const survivor = new DeliveryLedger(dataSource, POLICY, 60_000);
    const work = await survivor.claimDue(10);
    const byId = new Map(work.map((item) => [item.delivery.id, item]));
    expect(byId.has(succeeded!)).toBe(false);
    expect(await delivery(succeeded!)).toMatchObject({ status: 'succeeded', attempts: 1, due_in_ms: null });
    expect(byId.get(permanent!)).toMatchObject({ kind: 'dead', attempts: 1, reason: 'permanent', last: { attempt: 1, outcome: 'permanent', statusCode: 404 } });
    expect(byId.get(exhausted!)).toMatchObject({ kind: 'dead', attempts: 3, reason: 'exhausted', last: { attempt: 3, outcome: 'interrupted' } });
    expect(byId.get(interrupted!)).toMatchObject({ kind: 'send', attempt: 2 });
    expect(work).toHaveLength(3);
    // The dead ones are this claimant's now, under its lease, until it marks them.
    expect((await delivery(permanent!)).due_in_ms).toBeGreaterThan(50_000);
    expect(
      await survivor.markDead([
        { deliveryId: permanent!, attempts: 1, reason: 'permanent' },
        { deliveryId: exhausted!, attempts: 3, reason: 'exhausted' },
      ]),
    ).toEqual([true, true]);
  });

  it('a receiver answer with NUL characters is stored without them, and the rest of the batch with it', async () => {
    const ids = await fixture.transitions(2);
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    await ledger.claimDue(10);
    const odd = { ...result('delivered', 1), response: 'ok\u0000\u0000done' };
    expect(
      await ledger.recordResults([
        { deliveryId: ids[0]!, attempt: 1, result: odd, decision: { action: 'succeed' } },
        { deliveryId: ids[1]!, attempt: 1, result: result('delivered', 1), decision: { action: 'succeed' } },
      ]),
    ).toEqual([true, true]);
    const [stored] = await dataSource.query<Array<{ response: string }>>('SELECT response FROM delivery_attempts WHERE delivery_id = $1', [ids[0]]);
    expect(stored).toEqual({ response: 'okdone' });
    expect(await delivery(ids[1]!)).toMatchObject({ status: 'succeeded' });
  });
});
