import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { DomainError } from '@vigil/errors';
import { monitorEnvironmentKey, type CheckinMessageV1, type CheckinSource, type CheckinStatus } from '@vigil/contracts';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ProjectIdentity } from '../auth/project-key.repository';
import { toMonitorConfigUpdate, type MonitorConfigUpdate } from '../monitors/monitor-config';
import { MonitorRepository, type KnownMonitor } from '../monitors/monitor.repository';
import { canonicalUuid, slugify, type SentryCheckinPayload } from './sentry-checkin.schema';

export const DEFAULT_ENVIRONMENT = 'production';

interface PreparedCheckin {
  payload: SentryCheckinPayload;
  slug: string;
  config: MonitorConfigUpdate | undefined;
}

/**
 * Turns validated check-ins into messages on the check-ins topic. The client is answered only after Kafka
 * acknowledged every message of its request; monitor upserts commit only after that, so a request that
 * fails leaves nothing behind.
 */
@Injectable()
export class RecordCheckinsUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly monitors: MonitorRepository,
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async recordSentry(project: ProjectIdentity, payloads: readonly SentryCheckinPayload[], source: CheckinSource): Promise<string[]> {
    // Every check-in of the request is validated before anything is written.
    const prepared: PreparedCheckin[] = payloads.map((payload) => ({
      payload,
      slug: slugify(payload.monitor_slug),
      config: payload.monitor_config ? toMonitorConfigUpdate(payload.monitor_config) : undefined,
    }));
    if (prepared.every((item) => item.config === undefined)) {
      const monitors = await Promise.all(prepared.map((item) => this.existing(project, item.slug)));
      return this.publish(prepared.map((item, index) => this.message(project, monitors[index]!, item.payload, source)));
    }
    return this.dataSource.transaction(async (manager) => {
      const monitors: KnownMonitor[] = [];
      for (const item of prepared) {
        monitors.push(
          item.config ? await this.monitors.upsert(manager, project.projectId, project.organizationId, item.slug, item.config) : await this.existing(project, item.slug),
        );
      }
      return this.publish(prepared.map((item, index) => this.message(project, monitors[index]!, item.payload, source)));
    });
  }

  async recordPing(monitor: KnownMonitor, status: CheckinStatus, runId: string | undefined): Promise<string> {
    const message: CheckinMessageV1 = {
      version: 1,
      event_id: randomUUID(),
      checkin_id: runId ?? randomUUID(),
      organization_id: monitor.organizationId,
      project_id: monitor.projectId,
      monitor_id: monitor.id,
      monitor_slug: monitor.slug,
      environment: DEFAULT_ENVIRONMENT,
      status,
      duration_ms: null,
      received_at: Date.now(),
      release: null,
      trace_id: null,
      source: 'ping',
    };
    const [checkinId] = await this.publish([message]);
    return checkinId!;
  }

  private async existing(project: ProjectIdentity, slug: string): Promise<KnownMonitor> {
    const monitor = await this.monitors.findBySlug(project.projectId, slug);
    if (!monitor) {
      throw new DomainError('not_found', 'unknown_monitor', `monitor "${slug}" does not exist; send monitor_config to create it`, 'monitor_slug');
    }
    return monitor;
  }

  private message(project: ProjectIdentity, monitor: KnownMonitor, payload: SentryCheckinPayload, source: CheckinSource): CheckinMessageV1 {
    return {
      version: 1,
      event_id: randomUUID(),
      checkin_id: payload.check_in_id ? canonicalUuid(payload.check_in_id) : randomUUID(),
      organization_id: project.organizationId,
      project_id: project.projectId,
      monitor_id: monitor.id,
      monitor_slug: monitor.slug,
      environment: payload.environment ?? DEFAULT_ENVIRONMENT,
      status: payload.status,
      duration_ms: payload.duration == null ? null : Math.round(payload.duration * 1000),
      received_at: Date.now(),
      release: payload.release ?? null,
      trace_id: payload.contexts?.trace?.trace_id?.toLowerCase() ?? null,
      source,
    };
  }

  private async publish(messages: CheckinMessageV1[]): Promise<string[]> {
    try {
      await Promise.all(messages.map((m) => this.producer.produce('vigil.checkins.v1', monitorEnvironmentKey(m.monitor_id, m.environment), m)));
    } catch (error) {
      this.logger.error({ err: error, checkins: messages.length }, 'check-ins not acknowledged by Kafka');
      throw new DomainError('unavailable', 'not_stored', 'the check-in could not be stored; retry');
    }
    for (const m of messages) {
      this.logger.debug({ monitor_id: m.monitor_id, environment: m.environment, checkin_id: m.checkin_id, project_id: m.project_id, status: m.status }, 'check-in accepted');
    }
    return messages.map((m) => m.checkin_id);
  }
}
