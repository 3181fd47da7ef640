import { randomUUID } from 'node:crypto';
import { createDataSource } from '@vigil/db';
import { testConfig } from '@vigil/testing';
import { DeliveryRetention } from '../retention/delivery-retention';
import { LedgerFixture } from './ledger-fixture';

/**
 * Retention of the deliveries ledger on real Postgres: finished deliveries older than the retention go, with their
 * attempts, in batches; pending and sending ones stay however old, and so do recent ones.
 */
const dataSource = createDataSource(testConfig(), { poolSize: 2 });
const fixture = new LedgerFixture(dataSource);

beforeAll(async () => {
  await dataSource.initialize();
  await fixture.create();
});

afterAll(async () => {
  await fixture.remove();
  await dataSource.destroy();
});

async function arrange(id: string, status: string, finishedDaysAgo: number, attempts: number): Promise<void> {
  await dataSource.query(
    `UPDATE deliveries SET status = $2, next_attempt_at = NULL, attempts = $3, updated_at = now() - make_interval(days => $4) WHERE id = $1`,
    [id, status, attempts, finishedDaysAgo],
  );
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await dataSource.query(
      `INSERT INTO delivery_attempts (id, delivery_id, attempt, outcome, started_at, finished_at) VALUES ($1, $2, $3, 'retryable', now() - make_interval(days => $4), now() - make_interval(days => $4))`,
      [randomUUID(), id, attempt, finishedDaysAgo],
    );
  }
}

async function remaining(ids: readonly string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await dataSource.query('SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]);
  return rows.map((row) => row.id);
}

it('deletes finished deliveries older than the retention with their attempts, in batches, and nothing else', async () => {
  const [s1, s2, s3, d1, d2, pending, sending, recent] = await fixture.transitions(8);
  const old = [s1!, s2!, s3!, d1!, d2!];
  for (const id of [s1!, s2!, s3!]) await arrange(id, 'succeeded', 40, 2);
  for (const id of [d1!, d2!]) await arrange(id, 'dead', 31, 2);
  await arrange(pending!, 'pending', 45, 1);
  await arrange(sending!, 'sending', 45, 1);
  await arrange(recent!, 'succeeded', 29, 1);

  // Batches of two: three statements for the five.
  expect(await new DeliveryRetention(dataSource, 30, 2).apply()).toEqual({ deliveries: 5, attempts: 10 });
  expect(await remaining([...old, pending!, sending!, recent!])).toEqual([pending!, sending!, recent!].sort());
  const orphans: Array<{ n: string }> = await dataSource.query('SELECT count(*)::text AS n FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])', [old]);
  expect(orphans).toEqual([{ n: '0' }]);

  // Nothing more to do: a second run deletes nothing; a shorter retention reaches the recent one.
  expect(await new DeliveryRetention(dataSource, 30, 2).apply()).toEqual({ deliveries: 0, attempts: 0 });
  expect(await new DeliveryRetention(dataSource, 28).apply(Date.now())).toEqual({ deliveries: 1, attempts: 1 });
  expect(await remaining([pending!, sending!, recent!])).toEqual([pending!, sending!].sort());
});
