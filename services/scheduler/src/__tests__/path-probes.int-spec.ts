import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createDataSource } from '@vigil/db';
import { testConfig } from '@vigil/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { finishedNotifications } from '../heartbeat/path-probes';
import { NOTIFICATIONS_WINDOW_MS } from '../heartbeat/self-heartbeat';

/**
 * The self-heartbeat's read of the notifier's ledger, on Postgres. Other tests leave deliveries in the same table,
 * so each case runs in a transaction that is rolled back, and compares the counts before and after its own rows.
 */
describe('finishedNotifications', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = createDataSource(testConfig(), { poolSize: 1 });
    await db.initialize();
  });

  afterAll(async () => {
    await db?.destroy();
  });

  /** Runs `body` in a transaction that is always rolled back. */
  async function rolledBack(body: (manager: EntityManager) => Promise<void>): Promise<void> {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      await body(runner.manager);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  async function integration(manager: EntityManager, organizationId: string): Promise<string> {
    const id = randomUUID();
    await manager.query(`INSERT INTO integrations (id, organization_id, name, type, config) VALUES ($1, $2, $3, 'webhook', $4)`, [
      id,
      organizationId,
      `hook-${id.slice(0, 8)}`,
      JSON.stringify({ type: 'webhook', url: 'https://hooks.example.com/vigil', secret: 'vigil_whsec_path-probe-secret-0001' }),
    ]);
    return id;
  }

  async function delivery(manager: EntityManager, integrationId: string, status: string, kind: string, finishedAgoMs: number): Promise<void> {
    await manager.query(
      `INSERT INTO deliveries (id, idempotency_key, integration_id, kind, alert, status, attempts, updated_at)
       VALUES ($1, $2, $3, $4, '{}'::jsonb, $5, 1, now() - make_interval(secs => $6))`,
      [randomUUID(), randomUUID(), integrationId, kind, status, finishedAgoMs / 1000],
    );
  }

  it('counts the alerts finished in the window, succeeded and dead, and the integrations the dead ones were for; tests, pending ones and older ones left out', async () => {
    await rolledBack(async (manager) => {
      const before = await finishedNotifications(manager, NOTIFICATIONS_WINDOW_MS);
      const organizationId = randomUUID();
      await manager.query(`INSERT INTO organizations (id, slug, name) VALUES ($1, $2, 'Probe')`, [organizationId, `probe-${organizationId.slice(0, 8)}`]);
      const [a, b, c] = [await integration(manager, organizationId), await integration(manager, organizationId), await integration(manager, organizationId)];
      await delivery(manager, a, 'dead', 'opened', 60_000);
      await delivery(manager, a, 'dead', 'resolved', 5_000);
      await delivery(manager, b, 'dead', 'opened', 1_000);
      await delivery(manager, c, 'succeeded', 'opened', 2_000);
      // Left out: a test notification, one not finished, one finished before the window.
      await delivery(manager, c, 'dead', 'test', 1_000);
      await delivery(manager, c, 'pending', 'opened', 1_000);
      await delivery(manager, c, 'dead', 'opened', NOTIFICATIONS_WINDOW_MS + 60_000);
      const after = await finishedNotifications(manager, NOTIFICATIONS_WINDOW_MS);
      expect({
        succeeded: after.succeeded - before.succeeded,
        dead: after.dead - before.dead,
        deadIntegrations: after.deadIntegrations - before.deadIntegrations,
      }).toEqual({ succeeded: 1, dead: 3, deadIntegrations: 2 });
    });
  });
});
