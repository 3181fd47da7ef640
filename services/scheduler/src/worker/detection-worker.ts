import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER, watchConsumer } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { CONSUMER_GROUPS, TOPICS } from '@vigil/contracts';
import { consumerSettings, createKafkaClient, readPartitionsToEnd, TopicConsumer, TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { FixedCounter } from '@vigil/metrics';
import { DataSource } from 'typeorm';
import { DetectionEngine } from '../engine/detection-engine';
import { MonitorDirectory } from '../engine/monitor-directory';
import { MonitorFeed, type FeedMonitor } from '../monitors/monitor-feed';
import { DownstreamLagProbe, finishedNotifications } from '../heartbeat/path-probes';
import { NOTIFICATIONS_WINDOW_MS, SelfHeartbeat, type PathHealth } from '../heartbeat/self-heartbeat';
import { freshMsFor } from '../outage-guard/ingest-beats';
import { OutageGuardWatch } from '../outage-guard/outage-guard-watch';
import { schedulerMetrics } from './scheduler-metrics';

/**
 * Runs the `DetectionEngine` for the check-ins partitions the consumer group gives this instance: monitors
 * from `MonitorFeed` (Postgres, LISTEN/NOTIFY), batches from `vigil.checkins.v1`, state rebuilt from and
 * written to `vigil.scheduler-state.v1`. It also writes the clock pulses, every VIGIL_SCHEDULER_PULSE_MS,
 * dated VIGIL_SCHEDULER_PULSE_LAG_MS behind this host's clock (the clock skew between hosts it tolerates).
 */
@Injectable()
export class DetectionWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: TopicConsumer<'vigil.checkins.v1'>;
  private readonly directory: MonitorDirectory;
  private readonly engine: DetectionEngine;
  private pulseTimer: NodeJS.Timeout | null = null;
  private feedLoaded = false;
  private heartbeat: SelfHeartbeat | null = null;
  private readonly downstreamLag: DownstreamLagProbe;
  private readonly guard: OutageGuardWatch;
  /** The check-ins partitions the group gave this instance at its latest join. */
  private assignment: readonly number[] = [];
  /** Observes a detection's delay (null: metrics off). */
  private readonly detected: ((dueAt: number) => void) | null;
  private readonly unknownCount: FixedCounter<Record<string, never>> | null;

  constructor(
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    private readonly feed: MonitorFeed,
    private readonly readiness: ReadinessRegistry,
    @Inject(DataSource) private readonly db: DataSource,
  ) {
    const kafka = createKafkaClient(config, 'vigil-scheduler', logger);
    this.downstreamLag = new DownstreamLagProbe(kafka, config.VIGIL_KAFKA_TOPIC_PREFIX);
    this.guard = new OutageGuardWatch(logger, config.VIGIL_METRICS === 'on');
    this.directory = new MonitorDirectory(logger);
    this.engine = new DetectionEngine(
      this.directory,
      producer,
      (partitions, onRecord, heartbeat) =>
        readPartitionsToEnd(kafka, logger, { topic: 'vigil.scheduler-state.v1', prefix: config.VIGIL_KAFKA_TOPIC_PREFIX, partitions, onRecord, heartbeat }),
      logger,
      {
        maxPulseAheadMs: config.VIGIL_SCHEDULER_MAX_PULSE_AHEAD_MS,
        unconfirmedWaitMs: config.VIGIL_SCHEDULER_UNCONFIRMED_WAIT_MS,
        refreshMonitors: async (ids) => {
          const current = new Map((await this.feed.load(ids)).map((monitor) => [monitor.id, monitor]));
          for (const id of ids) this.monitorChanged(id, current.get(id) ?? null);
        },
        acknowledged: (dueAt) => this.detected?.(dueAt),
        ...(config.VIGIL_OUTAGE_GUARD === 'on'
          ? {
              outageGuard: {
                beats: {
                  silenceMs: config.VIGIL_OUTAGE_GUARD_INGEST_SILENCE_MS,
                  freshMs: freshMsFor(config.VIGIL_INGEST_BEAT_MS, config.VIGIL_OUTAGE_GUARD_INGEST_SILENCE_MS),
                },
                covers: (from: number, to: number) => this.guard.coversCollapse(from, to),
              },
            }
          : {}),
        unknown: () => this.unknownCount?.inc({}),
      },
    );
    this.detected = config.VIGIL_METRICS === 'on' ? schedulerMetrics(this.engine).detected : null;
    this.unknownCount =
      config.VIGIL_METRICS === 'on'
        ? new FixedCounter(
            'vigil_scheduler_unknown_total',
            "Misses recorded as unknown because the outage guard held Vigil's own pipeline responsible (decision 0023).",
            {},
          )
        : null;
    this.consumer = new TopicConsumer(kafka, logger, {
      groupId: CONSUMER_GROUPS.scheduler,
      service: 'scheduler',
      topics: ['vigil.checkins.v1'],
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: async () => {
        throw new Error('the scheduler reads items, pulses included');
      },
      handleItems: async (items, context) => {
        await this.engine.handle(items, context);
        this.guard.observe(items, this.assignment);
      },
      onGroupJoin: (assignment, join) => {
        this.assignment = assignment.get('vigil.checkins.v1') ?? [];
        this.engine.assigned(this.assignment, join.continuous);
      },
      // A new group starts at the latest check-ins: detection begins now, it does not replay a week of them.
      fromBeginning: false,
      // Partitions are independent: one partition's batch waits for its acknowledgements while another's runs.
      partitionsConcurrently: TOPICS['vigil.checkins.v1'].partitions,
      settings: consumerSettings(config),
      lingerMs: config.VIGIL_KAFKA_CONSUMER_LINGER_MS,
      deadLetters: producer,
    });
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('monitors', async () => this.feedLoaded);
    watchConsumer(this.readiness, this.consumer);
    await this.feed.start({
      onAll: async (monitors) => {
        const { removed, newlyDropped } = this.directory.replaceAll(monitors);
        for (const monitor of monitors) this.engine.monitorChanged(monitor.id);
        for (const id of removed) this.engine.monitorChanged(id);
        for (const [id, environments] of newlyDropped) this.engine.environmentsDropped(id, environments);
        this.feedLoaded = true;
      },
      onOne: async (id, monitor) => this.monitorChanged(id, monitor),
    });
    await this.consumer.start();
    if (this.config.VIGIL_SCHEDULER_PULSE_MS > 0) {
      this.pulseTimer = setInterval(() => void this.pulse(), this.config.VIGIL_SCHEDULER_PULSE_MS);
      this.pulseTimer.unref();
    }
    if (this.config.VIGIL_SELF_HEARTBEAT_URL !== '') {
      this.heartbeat = new SelfHeartbeat({
        url: this.config.VIGIL_SELF_HEARTBEAT_URL,
        intervalMs: this.config.VIGIL_SELF_HEARTBEAT_INTERVAL_MS,
        maxClockLagMs: this.config.VIGIL_SELF_HEARTBEAT_MAX_CLOCK_LAG_MS,
        maxLag: this.config.VIGIL_SELF_HEARTBEAT_MAX_LAG,
        health: () => this.pathHealth(),
        logger: this.logger,
        metrics: this.config.VIGIL_METRICS === 'on',
      });
      this.heartbeat.start();
    }
  }

  /**
   * What the self-heartbeat checks: this scheduler consumes, its clock runs on pulses through Kafka, it and the
   * services after it (issues, notifier, history) keep up, and the notifier delivers.
   */
  private async pathHealth(): Promise<PathHealth> {
    const clocks = this.engine.clocks();
    const [lags, groupsLag, notifications] = await Promise.all([
      this.consumer.lag().catch(() => null),
      this.downstreamLag.read().catch(() => null),
      finishedNotifications(this.db, NOTIFICATIONS_WINDOW_MS).catch(() => null),
    ]);
    return {
      consuming: this.consumer.isConsuming,
      clockLagMs: clocks.length > 0 ? Date.now() - Math.min(...clocks) : null,
      lagMessages: lags === null ? null : lags.reduce((sum, lag) => sum + lag.messages, 0),
      outage: this.guard.incident,
      groupsLag,
      notifications,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.heartbeat?.stop();
    await this.downstreamLag.stop();
    if (this.pulseTimer) clearInterval(this.pulseTimer);
    await this.consumer.stop();
  }

  /** A monitor as Postgres has it now (null: deleted), into the directory and the partitions that know it. */
  private monitorChanged(id: string, monitor: FeedMonitor | null): void {
    const newlyDropped = monitor ? this.directory.update(monitor).newlyDropped : [];
    if (!monitor) this.directory.delete(id);
    this.engine.monitorChanged(id);
    if (newlyDropped.length > 0) this.engine.environmentsDropped(id, newlyDropped);
  }

  private async pulse(): Promise<void> {
    const partitions = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);
    await this.producer.pulse('vigil.checkins.v1', partitions, Date.now() - this.config.VIGIL_SCHEDULER_PULSE_LAG_MS).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'clock pulse not written');
    });
  }
}
