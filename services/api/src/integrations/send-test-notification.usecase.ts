import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { DeliveryAttemptEntity, DeliveryEntity, type IntegrationEntity } from '@vigil/db';
import { DomainError } from '@vigil/errors';
import {
  attemptUntilDone,
  deliveryDepsFromConfig,
  monitorUrl,
  nextStep,
  TEST_NOTIFICATION_POLICY,
  type Alert,
  type DeliveryAttempt,
  type DeliveryDeps,
} from '@vigil/integrations';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { TokenGrant } from '../auth/api-token.repository';
import { objectBody, onlyFields } from '../common/request-body';
import { DeliveryReadRepository, type DeliveryView } from '../deliveries/delivery-read.repository';
import { testNotificationMonitor } from './integration-input';
import { storedConfig } from './integration.presenter';

/** The test sends while the user waits: each attempt gets at most this long, whatever the alerts' timeout is. */
export const TEST_ATTEMPT_TIMEOUT_MS = 5000;
const ENVIRONMENT = /^[^/\r\n\f\t]{1,64}$/;

interface TestTarget {
  project: { id: number; slug: string };
  monitor: { id: string; slug: string; name: string };
  environment: string;
}

/**
 * "Send test notification": one alert of kind `test` through one integration, now, in this process, with the
 * short in-process retry policy (`TEST_NOTIFICATION_POLICY`: 3 attempts, waits under 0.5 s and 1 s) and at most
 * `TEST_ATTEMPT_TIMEOUT_MS` per attempt. The attempts are recorded in the deliveries ledger like an alert's (kind
 * `test`, no issue, never dead-lettered: the user sees the failure in the answer) and returned.
 */
@Injectable()
export class SendTestNotification implements OnApplicationShutdown {
  private readonly deps: DeliveryDeps;

  constructor(
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryReadRepository,
  ) {
    const deps = deliveryDepsFromConfig(config);
    this.deps = { ...deps, http: { ...deps.http, timeoutMs: Math.min(deps.http.timeoutMs, TEST_ATTEMPT_TIMEOUT_MS) } };
  }

  onApplicationShutdown(): void {
    this.deps.mailer?.close();
  }

  /**
   * Body (optional): `{"monitor": "<slug>", "environment": "<name>"}` renders the test with a real monitor's
   * names; without it, an example monitor of the organization's first project.
   */
  async send(grant: TokenGrant, integration: IntegrationEntity, body: unknown): Promise<DeliveryView> {
    const target = await this.target(grant, body ?? {});
    const id = randomUUID();
    const now = Date.now();
    const alert: Alert = {
      kind: 'test',
      issueId: randomUUID(),
      idempotencyKey: id,
      organization: { id: grant.organizationId, slug: grant.organizationSlug },
      project: target.project,
      monitor: target.monitor,
      environment: target.environment,
      status: 'missed',
      slot: Math.floor(now / 60_000) * 60_000,
      checkinId: randomUUID(),
      occurredAt: now,
      failureCount: 1,
      url: monitorUrl(this.config.VIGIL_PUBLIC_APP_URL, grant.organizationSlug, target.monitor.slug, target.environment),
    };
    const attempts = await attemptUntilDone(alert, { id: integration.id, config: storedConfig(integration) }, this.deps, TEST_NOTIFICATION_POLICY);
    await this.record(id, integration, alert, attempts);
    const view = await this.deliveries.byId(grant.organizationId, id);
    if (!view) throw new Error(`test delivery ${id} was not recorded`);
    return view;
  }

  private async target(grant: TokenGrant, raw: unknown): Promise<TestTarget> {
    const body = objectBody(raw);
    onlyFields(body, ['monitor', 'environment'], 'invalid_field');
    const environment = body['environment'] ?? 'production';
    if (typeof environment !== 'string' || !ENVIRONMENT.test(environment)) {
      throw new DomainError(
        'invalid',
        'invalid_environment',
        'environment must be an environment name (1 to 64 characters, no slash, tab or line break)',
        'environment',
      );
    }
    const monitor = testNotificationMonitor(body['monitor']);
    if (monitor !== undefined) {
      const rows: Array<{ id: string; slug: string; name: string; project_id: number; project_slug: string }> = await this.dataSource.query(
        `SELECT m.id, m.slug, m.name, p.id AS project_id, p.slug AS project_slug
           FROM monitors m JOIN projects p ON p.id = m.project_id
          WHERE p.organization_id = $1 AND m.slug = $2 ORDER BY p.id LIMIT 1`,
        [grant.organizationId, monitor],
      );
      const row = rows[0];
      if (!row) throw new DomainError('invalid', 'unknown_monitor', `monitor "${monitor}" not found`, 'monitor');
      return { project: { id: Number(row.project_id), slug: row.project_slug }, monitor: { id: row.id, slug: row.slug, name: row.name }, environment };
    }
    const projects: Array<{ id: number; slug: string }> = await this.dataSource.query(
      'SELECT id, slug FROM projects WHERE organization_id = $1 ORDER BY id LIMIT 1',
      [grant.organizationId],
    );
    const project = projects[0];
    if (!project) throw new DomainError('invalid', 'no_project', 'the organization has no project to send a test for', 'monitor');
    return {
      project: { id: Number(project.id), slug: project.slug },
      monitor: { id: '00000000-0000-4000-8000-000000000000', slug: 'example-monitor', name: 'Example monitor' },
      environment,
    };
  }

  /** One delivery row, already final, and its attempts, in one transaction. */
  private async record(id: string, integration: IntegrationEntity, alert: Alert, attempts: readonly DeliveryAttempt[]): Promise<void> {
    const last = attempts[attempts.length - 1];
    if (!last) throw new Error('a test notification made no attempt');
    const step = nextStep(TEST_NOTIFICATION_POLICY, last.attempt, last);
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.save(
          manager.create(DeliveryEntity, {
            id,
            idempotencyKey: `test:${id}`,
            integrationId: integration.id,
            issueId: null,
            eventId: null,
            kind: 'test',
            alert: { ...alert },
            status: last.outcome === 'delivered' ? 'succeeded' : 'dead',
            attempts: attempts.length,
            nextAttemptAt: null,
            deadReason: step.action === 'dead_letter' ? step.reason : null,
          }),
        );
        await manager.save(
          attempts.map((attempt) =>
            manager.create(DeliveryAttemptEntity, {
              id: randomUUID(),
              deliveryId: id,
              attempt: attempt.attempt,
              outcome: attempt.outcome,
              statusCode: attempt.statusCode,
              errorCode: attempt.errorCode,
              error: attempt.error,
              target: attempt.target,
              response: attempt.response,
              durationMs: attempt.durationMs,
              startedAt: new Date(attempt.startedAt),
              finishedAt: new Date(attempt.startedAt + attempt.durationMs),
            }),
          ),
        );
      });
    } catch (error) {
      // Deleted while the test was being sent (found by the API fuzz run): the delivery has nothing to belong to.
      if ((error as { driverError?: { code?: string } }).driverError?.code === FOREIGN_KEY_VIOLATION) {
        throw new DomainError(
          'not_found',
          'unknown_integration',
          `integration "${integration.id}" was deleted while the test notification was sent`,
          'integration',
        );
      }
      throw error;
    }
  }
}

const FOREIGN_KEY_VIOLATION = '23503';
