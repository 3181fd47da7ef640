import { randomUUID } from 'node:crypto';
import { createDataSource } from '@vigil/db';
import type { DeliveryAttempt, RetryPolicy } from '@vigil/integrations';
import { createLogger } from '@vigil/logging';
import { testConfig } from '@vigil/testing';
import { DeliveryLedger, INTERRUPTED_ERROR } from '../deliveries/delivery-ledger';
import { RecordTransitions } from '../transitions/record-transitions.usecase';
import { TransitionRepository } from '../transitions/transition.repository';
import { issueEvent } from './issue-event-fixture';

/** The ledger on real Postgres (the test database global setup migrated): idempotent inserts, claims, leases. */
const dataSource = createDataSource(testConfig(), { poolSize: 4 });
const POLICY: RetryPolicy = { baseMs: 0, factor: 1, capMs: 0, maxAttempts: 3 };
const logger = createLogger('ledger-test', 'silent');

let organizationId: string;
let projectId: number;
let monitorId: string;
let integrationId: string;

function result(outcome: DeliveryAttempt['outcome'], attempt: number): DeliveryAttempt {
  return {
    outcome,
    statusCode: outcome === 'delivered' ? 200 : 503,
    errorCode: outcome === 'delivered' ? null : 'http_status',
    error: outcome === 'delivered' ? null : 'HTTP 503',
    durationMs: 12,
    retryAfterMs: null,
    response: 'ok',
    integrationId,
    channel: 'webhook',
    target: 'webhook:https://hooks.example.com',
    idempotencyKey: 'x',
    attempt,
    startedAt: Date.now(),
  };
}

/** Writes one issue transition through the consumer's use case; returns its delivery id. */
async function transition(): Promise<string> {
  const eventId = `${randomUUID()}:issue.opened:${randomUUID()}`;
  const recorder = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: 'https://vigil.example.com' }, logger);
  expect(await recorder.handle([issueEvent({ event_id: eventId, project_id: projectId, monitor_id: monitorId, organization_id: organizationId })])).toBe(1);
  const rows: Array<{ id: string }> = await dataSource.query('SELECT id FROM deliveries WHERE event_id = $1', [eventId]);
  return rows[0]!.id;
}

async function delivery(id: string): Promise<{ status: string; attempts: number; due_in_ms: number | null; dead_reason: string | null }> {
  const rows = await dataSource.query(
    `SELECT status, attempts, dead_reason, (EXTRACT(EPOCH FROM (next_attempt_at - clock_timestamp())) * 1000)::integer AS due_in_ms FROM deliveries WHERE id = $1`,
    [id],
  );
  return rows[0];
}

async function attempts(id: string): Promise<Array<{ attempt: number; outcome: string | null; status_code: number | null; error: string | null }>> {
  return dataSource.query('SELECT attempt, outcome, status_code, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [id]);
}

/** Claims until this delivery is among the claims (other tests' leftovers may be due too). */
async function claimOne(ledger: DeliveryLedger, id: string) {
  const work = await ledger.claimDue(100);
  return work.find((item) => item.delivery.id === id);
}

beforeAll(async () => {
  await dataSource.initialize();
  organizationId = randomUUID();
  await dataSource.query(`INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Ledger')`, [organizationId, `ledger-${organizationId.slice(0, 8)}`]);
  const [project] = await dataSource.query(`INSERT INTO projects (organization_id, slug, name, ping_key) VALUES ($1, 'backend', 'Backend', $2) RETURNING id`, [organizationId, randomUUID()]);
  projectId = Number(project.id);
  monitorId = randomUUID();
  await dataSource.query(`INSERT INTO monitors (id, project_id, slug, name, ping_uuid, schedule_type, schedule_crontab) VALUES ($1, $2, 'nightly-backup', 'Nightly backup', $3, 'crontab', '0 3 * * *')`, [
    monitorId,
    projectId,
    randomUUID(),
  ]);
  integrationId = randomUUID();
  await dataSource.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, 'Hook', 'webhook', $3)`, [
    integrationId,
    organizationId,
    JSON.stringify({ type: 'webhook', url: 'https://hooks.example.com/vigil', secret: 'vigil_whsec_ledger-test-secret-01' }),
  ]);
  await dataSource.query(`INSERT INTO alert_rules (id, project_id, integration_id) VALUES ($1, $2, $3)`, [randomUUID(), projectId, integrationId]);
});

afterAll(async () => {
  await dataSource.query('DELETE FROM organizations WHERE id = $1', [organizationId]);
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
    expect(rows).toEqual([{ idempotency_key: `${eventId}:${integrationId}`, status: 'pending', alert: expect.objectContaining({ monitor: expect.objectContaining({ name: 'Nightly backup' }) }) }]);
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
    expect(await ledger.recordResult(id, 1, result('retryable', 1), { action: 'retry', delayMs: 60_000 })).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await delivery(id)).due_in_ms).toBeGreaterThan(50_000);
    expect(await claimOne(ledger, id)).toBeUndefined();
    await dataSource.query('UPDATE deliveries SET next_attempt_at = clock_timestamp() WHERE id = $1', [id]);
    expect(await claimOne(ledger, id)).toMatchObject({ kind: 'send', attempt: 2 });
    expect(await ledger.recordResult(id, 2, result('delivered', 2), { action: 'succeed' })).toBe(true);
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
    expect(await crashed.recordResult(id, 1, result('delivered', 1), { action: 'succeed' })).toBe(false);
    expect(await delivery(id)).toMatchObject({ status: 'sending', attempts: 2 });
    expect((await attempts(id))[0]).toMatchObject({ outcome: 'delivered', status_code: 200 });
    expect(await survivor.recordResult(id, 2, result('delivered', 2), { action: 'succeed' })).toBe(true);
    expect(await delivery(id)).toMatchObject({ status: 'succeeded' });
  });

  it('a stale claim at the last attempt is handed over as dead, then marked dead once', async () => {
    const id = await transition();
    await dataSource.query(`UPDATE deliveries SET status = 'sending', attempts = 3, next_attempt_at = clock_timestamp() WHERE id = $1`, [id]);
    await dataSource.query(`INSERT INTO delivery_attempts (id, delivery_id, attempt, started_at) VALUES ($1, $2, 3, clock_timestamp())`, [randomUUID(), id]);
    const ledger = new DeliveryLedger(dataSource, POLICY, 60_000);
    expect(await claimOne(ledger, id)).toMatchObject({ kind: 'dead', attempts: 3, reason: 'exhausted', last: { attempt: 3, outcome: 'interrupted' } });
    expect(await ledger.markDead(id, 3, 'exhausted')).toBe(true);
    expect(await ledger.markDead(id, 3, 'exhausted')).toBe(false);
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
    expect(await ledger.recordResult(opened, 1, result('retryable', 1), { action: 'retry', delayMs: 0 })).toBe(true);
    expect((await ledger.claimDue(100)).map((work) => work.delivery.id)).toEqual(expect.arrayContaining([opened]));
    expect(await delivery(resolved)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await ledger.markDead(opened, 2, 'permanent')).toBe(true);
    expect((await ledger.claimDue(100)).map((work) => work.delivery.id)).toContain(resolved);
  });
});
