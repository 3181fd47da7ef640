import { Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProjectApiKeyRepository } from '../project-api-keys/project-api-key.repository';
import { CheckHistoryRepository } from './check-history.repository';
import { checkStatus, STORED_STATUS_OF } from './check-status';
import { NO_ACTIVITY } from './check.presenter';
import { CheckRepository } from './check.repository';
import { renderProjectMetrics } from './project-metrics.format';
import { uniqueKeyOf } from './unique-key';

/** What the endpoint answers: Healthchecks' statuses and plain-text bodies. */
export interface MetricsAnswer {
  status: number;
  body: string;
}

/**
 * Healthchecks' per-project Prometheus endpoint (`/projects/<project>/metrics/<read-only key>`, or the key as
 * `Authorization: Bearer <key>`), for users who scrape their checks into their own Prometheus. As Healthchecks
 * answers: no key 401, a key that is not 32 characters 400, a key that is not a read-only key of that project 403.
 */
@Injectable()
export class ProjectMetrics {
  constructor(
    private readonly keys: ProjectApiKeyRepository,
    private readonly checks: CheckRepository,
    private readonly history: CheckHistoryRepository,
  ) {}

  async answer(rawProjectId: string, key: string | null): Promise<MetricsAnswer> {
    if (key === null) return { status: 401, body: '' };
    if (key.length !== 32) return { status: 400, body: '' };
    const projectId = /^\d{1,9}$/.test(rawProjectId) ? Number(rawProjectId) : null;
    const grant = projectId === null ? null : await this.keys.findGrant(key);
    if (!grant || !grant.readOnly || grant.projectId !== projectId) return { status: 403, body: '' };
    const [records, activity, states] = await Promise.all([
      this.checks.list(grant.projectId),
      this.history.activity(grant.projectId),
      this.history.environmentStates(grant.projectId),
    ]);
    const byId = new Map(records.map((record) => [record.id, record]));
    const checks = records.map((record) => {
      const facts = activity.get(record.id) ?? NO_ACTIVITY;
      return {
        name: record.name,
        tags: record.tags,
        uniqueKey: uniqueKeyOf(record.pingUuid),
        status: checkStatus(record.status, facts.state),
        started: facts.openStartMs !== null,
      };
    });
    const environments = states.flatMap(({ monitorId, environment, state }) => {
      const record = byId.get(monitorId);
      if (!record) return [];
      const up: 0 | 1 = record.status === 'active' && STORED_STATUS_OF[state] === 'down' ? 0 : 1;
      return [{ name: record.name, tags: record.tags, uniqueKey: uniqueKeyOf(record.pingUuid), environment, up }];
    });
    return { status: 200, body: renderProjectMetrics(checks, environments) };
  }
}

/**
 * Registered on Fastify directly, as ingest's routes are: the answer is Prometheus' text format, not one of the
 * API's JSON documents (it is described in the README and docs/operations.md, not in docs/openapi.json).
 */
export function registerProjectMetricsRoutes(app: NestFastifyApplication): void {
  const metrics = app.get(ProjectMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  const send = async (reply: FastifyReply, answer: MetricsAnswer) => {
    await reply.status(answer.status).header('content-type', 'text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store').send(answer.body);
  };
  fastify.get('/projects/:projectId/metrics/:key', async (request: FastifyRequest<{ Params: { projectId: string; key: string } }>, reply) =>
    send(reply, await metrics.answer(request.params.projectId, request.params.key)),
  );
  fastify.get('/projects/:projectId/metrics', async (request: FastifyRequest<{ Params: { projectId: string } }>, reply) => {
    const header = request.headers.authorization ?? '';
    await send(reply, await metrics.answer(request.params.projectId, header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null));
  });
}
