import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import {
  monitorEnvironmentKey,
  monitorIdFor,
  PROCESSING_ERROR_TYPES,
  type CheckinMessageV1,
  type CheckinSignal,
  type CheckinSource,
  type ProcessingErrorDetail,
} from '@vigil/contracts';
import { DomainError } from '@vigil/errors';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { configApplied, type CatalogMonitor, type CatalogProject } from '../catalog/catalog-snapshot';
import { IngestCatalog } from '../catalog/ingest-catalog';
import { RateLimiter } from '../limits/rate-limiter';
import { toMonitorConfigUpdate, type ConfigAdjustment, type MonitorConfigUpdate } from '@vigil/db';
import { MonitorRepository } from '../monitors/monitor.repository';
import { bodyFields } from '../ping/ping-body';
import { ignoresPing, resumesPausedMonitor } from '../ping/ping-resume';
import { detailOf, ProcessingErrorRecorder } from './processing-errors';
import { isNilUuid, canonicalUuid, parseMonitorConfig, slugify, type SentryCheckinPayload } from './sentry-checkin.schema';

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
  /** The bytes posted, already cut to the ping body limit. */
  body: Buffer | null;
}

interface PreparedCheckin {
  readonly payload: SentryCheckinPayload;
  readonly slug: string;
  readonly environment: string;
  readonly config: MonitorConfigUpdate | undefined;
  /** Why `monitor_config` cannot be applied: an existing monitor keeps the check-in under its current config. */
  readonly configError: DomainError | undefined;
  /** Config values stored other than sent (clamped to Sentry's limits), recorded once the check-in is accepted. */
  readonly adjustments: readonly ConfigAdjustment[];
}

/** A check-in's slug, environment and `monitor_config`, checked; an invalid config is kept aside, not thrown. */
function prepare(payload: SentryCheckinPayload): PreparedCheckin {
  const adjustments: ConfigAdjustment[] = [];
  let config: MonitorConfigUpdate | undefined;
  let configError: DomainError | undefined;
  try {
    const parsed = parseMonitorConfig(payload.monitor_config);
    config = parsed ? toMonitorConfigUpdate(parsed, undefined, adjustments) : undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    configError = error;
    adjustments.length = 0;
  }
  return { payload, slug: slugify(payload.monitor_slug), environment: payload.environment ?? DEFAULT_ENVIRONMENT, config, configError, adjustments };
}

/** The outcome of a Sentry request: ids accepted, and how many check-ins a rate limit turned away. */
export interface SentryOutcome {
  accepted: string[];
  rateLimited: number;
  retryAfterSeconds: number;
  /** Why the first check-in turned away was (a check-in rate limit or the project's monitor creation limit). */
  firstRefusal: DomainError | undefined;
}

/**
 * Turns validated check-ins into messages on the check-ins topic. The client is answered only after Kafka
 * acknowledged every message of its request; monitor upserts commit only after that, so a request that
 * fails leaves nothing behind.
 */
@Injectable()
export class RecordCheckinsUseCase {
  private readonly limiter: RateLimiter;
  /** Monitors a project may create from check-ins: one envelope must not create thousands (issue #19). */
  private readonly creations: RateLimiter;

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
    this.creations = new RateLimiter(config.VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE, Math.max(1, config.VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE));
    setInterval(() => {
      this.limiter.sweep();
      this.creations.sweep();
    }, 60_000).unref();
  }

  /**
   * Records Sentry check-ins (envelope items or a DSN cron request). Every check-in is validated before
   * anything is written; one over its monitor-environment's rate limit is left out and, where the client does
   * not read the answer (envelopes, and the DSN cron endpoint, which answers 202 as Relay always does),
   * recorded as a processing error.
   */
  async recordSentry(project: CatalogProject, payloads: readonly SentryCheckinPayload[], source: CheckinSource, client: ClientInfo): Promise<SentryOutcome> {
    const prepared: PreparedCheckin[] = payloads.map(prepare);
    const admitted: PreparedCheckin[] = [];
    let retryAfterMs = 0;
    let firstRefusal: DomainError | undefined;
    const refuse = (item: PreparedCheckin, error: DomainError, waitMs: number): void => {
      retryAfterMs = Math.max(retryAfterMs, waitMs);
      firstRefusal ??= error;
      if (source === 'sentry_envelope' || source === 'sentry_cron') {
        this.processingErrors.record(project, source, {
          monitorSlug: item.slug,
          environment: item.environment,
          payload: JSON.stringify(item.payload),
          errors: [detailOf(error)],
        });
      }
    };
    for (const item of prepared) {
      const wait = this.limiter.take(`${project.id}:${item.slug}:${item.environment}`);
      if (wait === 0) admitted.push(item);
      else refuse(item, rateLimited(item.slug, item.environment, wait), wait);
    }
    const outcome = (ids: string[], accepted: number): SentryOutcome => ({
      accepted: ids,
      rateLimited: prepared.length - accepted,
      retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
      firstRefusal,
    });
    if (admitted.length === 0) return outcome([], 0);

    // One look-up per check-in, from memory. SDKs repeat monitor_config on every run (withMonitor on each
    // start, Python on both ends): a config the catalog already holds changes nothing, and must not cost a
    // Postgres transaction.
    const found = await Promise.all(admitted.map((item) => this.catalog.monitorBySlug(project.id, item.slug)));
    // A config for a monitor the view does not hold creates it: each new slug takes one of the project's creations.
    const accepted: PreparedCheckin[] = [];
    const known: Array<CatalogMonitor | null> = [];
    const creating = new Set<string>();
    for (const [index, item] of admitted.entries()) {
      const monitor = found[index] ?? null;
      // Sentry: an invalid monitor_config creates nothing, and for a new monitor the check-in goes with it.
      if (!monitor && item.configError) throw item.configError;
      if (!monitor && item.config?.scheduleType !== undefined && !creating.has(item.slug)) {
        const wait = this.creations.take(String(project.id));
        if (wait > 0) {
          refuse(item, creationLimited(item.slug, wait), wait);
          continue;
        }
        creating.add(item.slug);
      }
      accepted.push(item);
      known.push(monitor);
    }
    if (accepted.length === 0) return outcome([], 0);
    const writes = accepted.map((item, index) => {
      const monitor = known[index];
      return item.config !== undefined && !(monitor && configApplied(monitor, item.config)) ? item.config : undefined;
    });
    if (writes.every((update) => update === undefined)) {
      const monitors = accepted.map((item, index) => known[index] ?? unconfirmed(project, item.slug));
      const ids = await this.publishLive(accepted, monitors, source, client);
      this.recordNotApplied(project, source, accepted, monitors);
      return outcome(ids, accepted.length);
    }
    const written: CatalogMonitor[] = [];
    const { ids, monitors } = await this.dataSource.transaction(async (manager) => {
      const monitors: Array<CatalogMonitor | UnconfirmedMonitor> = [];
      for (const [index, item] of accepted.entries()) {
        const update = writes[index];
        const monitor = update ? await this.monitors.upsert(manager, project, item.slug, update) : (known[index] ?? unconfirmed(project, item.slug));
        if (update) written.push(monitor as CatalogMonitor);
        monitors.push(monitor);
      }
      return { ids: await this.publishLive(accepted, monitors, source, client), monitors };
    });
    for (const monitor of written) this.catalog.rememberMonitor(monitor);
    this.recordNotApplied(project, source, accepted, monitors);
    return outcome(ids, accepted.length);
  }

  /** Publishes the check-ins of monitors that are not disabled (Sentry drops a disabled monitor's check-ins). */
  private async publishLive(
    items: readonly PreparedCheckin[],
    monitors: ReadonlyArray<CatalogMonitor | UnconfirmedMonitor>,
    source: CheckinSource,
    client: ClientInfo,
  ): Promise<string[]> {
    const messages: CheckinMessageV1[] = [];
    items.forEach((item, index) => {
      const monitor = monitors[index]!;
      if (!isDisabled(monitor)) messages.push(this.sentryMessage(monitor, item, source, client));
    });
    return messages.length === 0 ? [] : this.publish(messages);
  }

  /**
   * Processing errors for accepted check-ins that were not applied as sent: dropped for a disabled monitor
   * (`monitor_disabled`), kept under the monitor's current config because theirs was invalid
   * (`invalid_monitor_config`, naming the field), or with config values stored at Sentry's limits
   * (`monitor_config_clamped`). Recorded after Kafka acknowledged the request, so a retried request is not
   * recorded twice.
   */
  private recordNotApplied(
    project: CatalogProject,
    source: CheckinSource,
    items: readonly PreparedCheckin[],
    monitors: ReadonlyArray<CatalogMonitor | UnconfirmedMonitor>,
  ): void {
    items.forEach((item, index) => {
      const errors: ProcessingErrorDetail[] = [];
      if (isDisabled(monitors[index]!)) {
        errors.push({ code: 'monitor_disabled', field: 'monitor_slug', message: `monitor "${item.slug}": ${PROCESSING_ERROR_TYPES.monitor_disabled}` });
      }
      if (item.configError) {
        errors.push({ ...detailOf(item.configError), code: 'invalid_monitor_config' });
      }
      for (const adjustment of item.adjustments) errors.push({ code: 'monitor_config_clamped', field: adjustment.field, message: adjustment.message });
      if (errors.length === 0) return;
      this.processingErrors.record(project, source, { monitorSlug: item.slug, environment: item.environment, payload: JSON.stringify(item.payload), errors });
    });
  }

  /**
   * `?create=1` on a slug URL: provisions the monitor if needed and records the ping, in one transaction
   * committed after Kafka acknowledged the ping, so a ping that fails creates nothing.
   */
  async provisionAndRecordPing(project: CatalogProject, slug: string, signal: PingSignal, client: ClientInfo): Promise<{ created: boolean }> {
    const wait = this.creations.take(String(project.id));
    if (wait > 0) throw creationLimited(slug, wait);
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
      // Without rid: a start starts a run of its own, any other signal belongs to the latest open one (libs/runs).
      run_match: signal.runId !== undefined ? 'exact' : 'latest_open',
      // Healthchecks: a paused check with manual_resume records the ping as `ign` and changes nothing.
      status: ignoresPing(monitor) ? 'ign' : signal.status,
      exit_status: signal.exitStatus,
      ...bodyFields(signal.body),
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

  private baseMessage(monitor: CatalogMonitor | UnconfirmedMonitor, environment: string, source: CheckinSource, client: ClientInfo): CheckinMessageV1 {
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
      ...('unconfirmed' in monitor ? { monitor_existence: 'unconfirmed' as const } : {}),
    };
  }

  private sentryMessage(monitor: CatalogMonitor | UnconfirmedMonitor, item: PreparedCheckin, source: CheckinSource, client: ClientInfo): CheckinMessageV1 {
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
      this.logger.debug(
        { monitor_id: m.monitor_id, environment: m.environment, checkin_id: m.checkin_id, project_id: m.project_id, status: m.status },
        'check-in accepted',
      );
    }
    return messages.map((m) => m.checkin_id);
  }
}

/** A disabled monitor drops its check-ins (Sentry's consumer does); one ingest does not know yet is not known to be. */
function isDisabled(monitor: CatalogMonitor | UnconfirmedMonitor): boolean {
  return !('unconfirmed' in monitor) && monitor.status === 'disabled';
}

/** A monitor this ingest does not know, named by a check-in without `monitor_config`: the scheduler decides (decision 0021). */
interface UnconfirmedMonitor {
  unconfirmed: true;
  id: string;
  slug: string;
  projectId: number;
  organizationId: string;
}

/**
 * The monitor of a Sentry check-in without `monitor_config` for a slug this ingest does not know. It is not
 * refused here: the check-in that creates the monitor may be on its way through another connection or another
 * ingest instance (`withMonitor` sends the opening and closing check-ins at once). It is published under the id
 * the monitor gets when created, so it lands on that monitor's partition, where the scheduler confirms it or
 * records `unknown_monitor`.
 */
function unconfirmed(project: CatalogProject, slug: string): UnconfirmedMonitor {
  return { unconfirmed: true, id: monitorIdFor(project.id, slug), slug, projectId: project.id, organizationId: project.organizationId };
}

function creationLimited(slug: string, waitMs: number): DomainError {
  return new DomainError(
    'rate_limited',
    'monitor_creation_rate_limited',
    `monitor "${slug}" would be created, but the project is over its monitor creation limit (VIGIL_INGEST_MONITOR_CREATIONS_PER_MINUTE); retry in ${Math.ceil(waitMs / 1000)} s`,
    'monitor_slug',
    Math.ceil(waitMs / 1000),
  );
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
