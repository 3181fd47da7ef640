import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { monitorEnvironmentKey, type CheckinMessageV1, type CheckinSignal, type CheckinSource } from '@vigil/contracts';
import { DomainError } from '@vigil/errors';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { configApplied, type CatalogMonitor, type CatalogProject } from '../catalog/catalog-snapshot';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { RateLimiter } from '../limits/rate-limiter';
import { toMonitorConfigUpdate, type MonitorConfigUpdate } from '@vigil/db';
import { MonitorRepository } from '../monitors/monitor.repository';
import { resumesPausedMonitor } from '../ping/ping-resume';
import { detailOf, ProcessingErrorRecorder } from './processing-errors';
import { isNilUuid, canonicalUuid, slugify, type SentryCheckinPayload } from './sentry-checkin.schema';

export const DEFAULT_ENVIRONMENT = 'production';

/** Who sent a check-in, as far as the request tells. */
export interface ClientInfo {
  remoteAddr: string | null;
  userAgent: string | null;
}

/** A ping URL signal, after the URL was understood. */
export interface PingSignal {
  status: CheckinSignal;
  runId: string | undefined;
  exitStatus: number | null;
  body: string | null;
}

interface PreparedCheckin {
  readonly payload: SentryCheckinPayload;
  readonly slug: string;
  readonly environment: string;
  readonly config: MonitorConfigUpdate | undefined;
}

/** The outcome of a Sentry request: ids accepted, and how many check-ins a rate limit turned away. */
export interface SentryOutcome {
  accepted: string[];
  rateLimited: number;
  retryAfterSeconds: number;
}

/**
 * Turns validated check-ins into messages on the check-ins topic. The client is answered only after Kafka
 * acknowledged every message of its request; monitor upserts commit only after that, so a request that
 * fails leaves nothing behind.
 */
@Injectable()
export class RecordCheckinsUseCase {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly catalog: IngestCatalog,
    private readonly monitors: MonitorRepository,
    private readonly processingErrors: ProcessingErrorRecorder,
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    @Inject(VigilConfig) config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.limiter = new RateLimiter(config.VIGIL_CHECKIN_RATE_PER_MINUTE, config.VIGIL_CHECKIN_RATE_BURST);
    setInterval(() => this.limiter.sweep(), 60_000).unref();
  }

  /**
   * Records Sentry check-ins (envelope items or a DSN cron request). Every check-in is validated before
   * anything is written; one over its monitor-environment's rate limit is left out and, where the client does
   * not read the answer (envelopes, and the DSN cron endpoint, which answers 202 as Relay always does),
   * recorded as a processing error.
   */
  async recordSentry(project: CatalogProject, payloads: readonly SentryCheckinPayload[], source: CheckinSource, client: ClientInfo): Promise<SentryOutcome> {
    const prepared: PreparedCheckin[] = payloads.map((payload) => ({
      payload,
      slug: slugify(payload.monitor_slug),
      environment: payload.environment ?? DEFAULT_ENVIRONMENT,
      config: payload.monitor_config ? toMonitorConfigUpdate(payload.monitor_config) : undefined,
    }));
    const accepted: PreparedCheckin[] = [];
    let retryAfterMs = 0;
    for (const item of prepared) {
      const wait = this.limiter.take(`${project.id}:${item.slug}:${item.environment}`);
      if (wait === 0) {
        accepted.push(item);
        continue;
      }
      retryAfterMs = Math.max(retryAfterMs, wait);
      if (source === 'sentry_envelope' || source === 'sentry_cron') {
        const error = rateLimited(item.slug, item.environment, wait);
        this.processingErrors.record(project, source, { monitorSlug: item.slug, environment: item.environment, payload: JSON.stringify(item.payload), errors: [detailOf(error)] });
      }
    }
    const outcome = (ids: string[]): SentryOutcome => ({ accepted: ids, rateLimited: prepared.length - accepted.length, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) });
    if (accepted.length === 0) return outcome([]);

    // One look-up per check-in, from memory. SDKs repeat monitor_config on every run (withMonitor on each
    // start, Python on both ends): a config the catalog already holds changes nothing, and must not cost a
    // Postgres transaction.
    const known = await Promise.all(accepted.map((item) => this.catalog.monitorBySlug(project.id, item.slug)));
    const writes = accepted.map((item, index) => {
      const monitor = known[index];
      return item.config !== undefined && !(monitor && configApplied(monitor, item.config)) ? item.config : undefined;
    });
    if (writes.every((update) => update === undefined)) {
      const monitors = accepted.map((item, index) => existing(known[index], item.slug));
      return outcome(await this.publish(accepted.map((item, index) => this.sentryMessage(monitors[index]!, item, source, client))));
    }
    const written: CatalogMonitor[] = [];
    const ids = await this.dataSource.transaction(async (manager) => {
      const monitors: CatalogMonitor[] = [];
      for (const [index, item] of accepted.entries()) {
        const update = writes[index];
        const monitor = update ? await this.monitors.upsert(manager, project, item.slug, update) : existing(known[index], item.slug);
        if (update) written.push(monitor);
        monitors.push(monitor);
      }
      return this.publish(accepted.map((item, index) => this.sentryMessage(monitors[index]!, item, source, client)));
    });
    for (const monitor of written) this.catalog.rememberMonitor(monitor);
    return outcome(ids);
  }

  /**
   * `?create=1` on a slug URL: provisions the monitor if needed and records the ping, in one transaction
   * committed after Kafka acknowledged the ping, so a ping that fails creates nothing.
   */
  async provisionAndRecordPing(project: CatalogProject, slug: string, signal: PingSignal, client: ClientInfo): Promise<{ created: boolean }> {
    const provisioned = await this.dataSource.transaction(async (manager) => {
      const result = await this.monitors.provision(manager, project, slug);
      await this.recordPing(result.monitor, signal, client);
      return result;
    });
    this.catalog.rememberMonitor(provisioned.monitor);
    return { created: provisioned.created };
  }

  /**
   * Records one ping URL signal; throws `rate_limited` when the monitor is over its limit. A ping that resumes
   * a paused monitor (`resumesPausedMonitor`) commits the resume first; the scheduler hears of it by NOTIFY,
   * and when the ping overtakes that through Kafka it reads the monitor again before applying the ping
   * (`refreshMonitors`), so the ping is counted and the check goes up either way. Should Kafka then refuse the
   * ping, the client gets a 503 and the monitor stays resumed (`new`), which a retry completes.
   */
  async recordPing(monitor: CatalogMonitor, signal: PingSignal, client: ClientInfo): Promise<string> {
    const wait = this.limiter.take(`${monitor.projectId}:${monitor.slug}:${DEFAULT_ENVIRONMENT}`);
    if (wait > 0) throw rateLimited(monitor.slug, DEFAULT_ENVIRONMENT, wait);
    if (resumesPausedMonitor(monitor, signal.status)) await this.resume(monitor);
    const message: CheckinMessageV1 = {
      ...this.baseMessage(monitor, DEFAULT_ENVIRONMENT, 'ping', client),
      checkin_id: signal.runId ?? randomUUID(),
      // A start without rid always starts a run; any other signal without rid belongs to the latest open one.
      run_match: signal.runId !== undefined || signal.status === 'in_progress' ? 'exact' : 'latest_open',
      status: signal.status,
      exit_status: signal.exitStatus,
      body: signal.body,
    };
    const [checkinId] = await this.publish([message]);
    return checkinId!;
  }

  private async resume(monitor: CatalogMonitor): Promise<void> {
    let resumed: CatalogMonitor | null;
    try {
      resumed = await this.monitors.resume(this.dataSource.manager, monitor);
    } catch (error) {
      this.logger.warn({ err: error, monitor_id: monitor.id }, 'a paused monitor could not be resumed by its ping');
      throw new DomainError('unavailable', 'not_stored', 'the ping resumes a paused check, which cannot be stored now; retry', undefined, 5);
    }
    if (resumed) {
      this.catalog.rememberMonitor(resumed);
      this.logger.info({ monitor_id: monitor.id }, 'paused monitor resumed by a ping');
    }
  }

  private baseMessage(monitor: CatalogMonitor, environment: string, source: CheckinSource, client: ClientInfo): CheckinMessageV1 {
    return {
      version: 1,
      event_id: randomUUID(),
      checkin_id: randomUUID(),
      organization_id: monitor.organizationId,
      project_id: monitor.projectId,
      monitor_id: monitor.id,
      monitor_slug: monitor.slug,
      environment,
      status: 'ok',
      run_match: 'exact',
      duration_ms: null,
      received_at: Date.now(),
      release: null,
      trace_id: null,
      source,
      exit_status: null,
      body: null,
      remote_addr: client.remoteAddr,
      user_agent: client.userAgent === null ? null : client.userAgent.slice(0, 512),
    };
  }

  private sentryMessage(monitor: CatalogMonitor, item: PreparedCheckin, source: CheckinSource, client: ClientInfo): CheckinMessageV1 {
    const { payload } = item;
    const named = payload.check_in_id !== undefined && !isNilUuid(payload.check_in_id);
    return {
      ...this.baseMessage(monitor, item.environment, source, client),
      checkin_id: named ? canonicalUuid(payload.check_in_id!) : randomUUID(),
      run_match: named ? 'exact' : 'latest_open',
      status: payload.status,
      duration_ms: payload.duration == null ? null : Math.round(payload.duration * 1000),
      release: payload.release ?? null,
      trace_id: payload.contexts?.trace?.trace_id?.toLowerCase() ?? null,
    };
  }

  private async publish(messages: CheckinMessageV1[]): Promise<string[]> {
    try {
      await Promise.all(messages.map((m) => this.producer.produce('vigil.checkins.v1', monitorEnvironmentKey(m.monitor_id, m.environment), m)));
    } catch (error) {
      this.logger.error({ err: error, checkins: messages.length }, 'check-ins not acknowledged by Kafka');
      throw new DomainError('unavailable', 'not_stored', 'the check-in could not be stored; retry', undefined, 5);
    }
    for (const m of messages) {
      this.logger.debug({ monitor_id: m.monitor_id, environment: m.environment, checkin_id: m.checkin_id, project_id: m.project_id, status: m.status }, 'check-in accepted');
    }
    return messages.map((m) => m.checkin_id);
  }
}

/** The monitor a check-in without a (new) config names; it must exist. */
function existing(monitor: CatalogMonitor | null | undefined, slug: string): CatalogMonitor {
  if (!monitor) throw new DomainError('not_found', 'unknown_monitor', `monitor "${slug}" does not exist; send monitor_config to create it`, 'monitor_slug');
  return monitor;
}

function rateLimited(slug: string, environment: string, waitMs: number): DomainError {
  return new DomainError(
    'rate_limited',
    'rate_limited',
    `monitor "${slug}" in environment "${environment}" is over its check-in rate limit; retry in ${Math.ceil(waitMs / 1000)} s`,
    'monitor_slug',
    Math.ceil(waitMs / 1000),
  );
}
