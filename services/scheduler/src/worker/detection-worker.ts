import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { monitorEnvironmentKey, TOPICS, type MonitorEventV1 } from '@vigil/contracts';
import { createKafkaClient, TopicConsumer, TopicProducer, type ConsumedItem } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { PartitionDetector, toMonitorEventV1, type MonitorIdentity, type Outcome } from '../detection';
import { MonitorFeed, type FeedMonitor } from '../monitors/monitor-feed';

type Input = ConsumedItem<'vigil.checkins.v1'>;

/**
 * Runs detection for the check-ins partitions this instance is assigned: one `PartitionDetector` per
 * partition, fed check-ins and clock pulses in partition order, with every monitor's configuration from
 * `MonitorFeed`. Missed and timeout outcomes go to `vigil.monitor-events.v1` and are acknowledged by Kafka
 * before the batch's offsets are committed. It also writes the pulses (every VIGIL_SCHEDULER_PULSE_MS).
 *
 * Not yet: the state changelog. After a restart or a rebalance a partition's tracks start again as `new`,
 * so detection resumes at each track's next check-in: misses during the gap are not reported (never false
 * ones). See docs/architecture.md, "State ownership".
 */
@Injectable()
export class DetectionWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: TopicConsumer<'vigil.checkins.v1'>;
  /** Per assigned partition: its detector and the offset of the last item it applied. */
  private readonly detectors = new Map<number, { detector: PartitionDetector; lastOffset: bigint }>();
  private readonly monitors = new Map<string, FeedMonitor>();
  /**
   * Outcomes not yet published: those a configuration change settled (a shorter margin), and those of a batch
   * whose send failed. They go out with the next batch.
   */
  private readonly pendingOutcomes: Outcome[] = [];
  private pulseTimer: NodeJS.Timeout | null = null;
  private feedLoaded = false;

  constructor(
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    private readonly feed: MonitorFeed,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.consumer = new TopicConsumer(createKafkaClient(config, 'vigil-scheduler', logger), logger, {
      groupId: 'vigil-scheduler',
      topics: ['vigil.checkins.v1'],
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: async () => {
        throw new Error('the scheduler reads items, pulses included');
      },
      handleItems: (items) => this.handle(items),
      onGroupJoin: (assignment) => this.keepOnly(assignment.get('vigil.checkins.v1') ?? []),
      // A new group starts at the latest check-ins: detection begins now, it does not replay a week of them.
      fromBeginning: false,
    });
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('monitors', async () => this.feedLoaded);
    this.readiness.register('consumer', async () => this.consumer.isAssigned);
    await this.feed.start({
      onAll: async (monitors) => {
        this.monitors.clear();
        for (const monitor of monitors) this.monitors.set(monitor.id, monitor);
        for (const { detector } of this.detectors.values()) for (const monitor of monitors) this.apply(detector, monitor.id, monitor);
        this.feedLoaded = true;
      },
      onOne: async (id, monitor) => {
        if (monitor) this.monitors.set(id, monitor);
        else this.monitors.delete(id);
        for (const { detector } of this.detectors.values()) this.apply(detector, id, monitor);
      },
    });
    await this.consumer.start();
    if (this.config.VIGIL_SCHEDULER_PULSE_MS > 0) {
      this.pulseTimer = setInterval(() => void this.pulse(), this.config.VIGIL_SCHEDULER_PULSE_MS);
      this.pulseTimer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.pulseTimer) clearInterval(this.pulseTimer);
    await this.consumer.stop();
  }

  private async pulse(): Promise<void> {
    const partitions = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);
    await this.producer.pulse('vigil.checkins.v1', partitions, Date.now() - this.config.VIGIL_SCHEDULER_PULSE_LAG_MS).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'clock pulse not written');
    });
  }

  /**
   * After a rebalance: partitions this instance still owns keep their state (a rejoin that hands back the same
   * partitions must not forget open runs); the others are dropped.
   */
  private keepOnly(partitions: readonly number[]): void {
    const kept = new Set(partitions);
    for (const partition of this.detectors.keys()) if (!kept.has(partition)) this.detectors.delete(partition);
  }

  private partition(partition: number): { detector: PartitionDetector; lastOffset: bigint } {
    let entry = this.detectors.get(partition);
    if (!entry) {
      entry = { detector: new PartitionDetector(), lastOffset: -1n };
      for (const [id, monitor] of this.monitors) this.apply(entry.detector, id, monitor);
      this.detectors.set(partition, entry);
    }
    return entry;
  }

  private apply(detector: PartitionDetector, id: string, monitor: FeedMonitor | null): void {
    try {
      this.pendingOutcomes.push(...detector.setMonitor(id, monitor ? monitor.config : null).outcomes);
    } catch (error) {
      this.logger.error({ err: error, monitor_id: id }, 'monitor configuration not usable for detection');
    }
  }

  private async handle(items: Input[]): Promise<void> {
    const outcomes: Outcome[] = this.pendingOutcomes.splice(0);
    for (const item of items) {
      const entry = this.partition(item.partition);
      // A batch delivered again (its commit was cut short by a rebalance) was already applied here.
      const offset = BigInt(item.offset);
      if (offset <= entry.lastOffset) continue;
      entry.lastOffset = offset;
      if (item.kind === 'pulse') outcomes.push(...entry.detector.pulse(item.at).outcomes);
      else outcomes.push(...entry.detector.checkin(item.payload).outcomes);
    }
    const events: MonitorEventV1[] = [];
    for (const outcome of outcomes) {
      const monitor = this.monitors.get(outcome.monitorId);
      if (!monitor) continue;
      events.push(toMonitorEventV1(outcome, monitor.identity satisfies MonitorIdentity));
    }
    try {
      await Promise.all(events.map((event) => this.producer.produce('vigil.monitor-events.v1', monitorEnvironmentKey(event.monitor_id, event.environment), event)));
    } catch (error) {
      // The detectors already moved on and the batch's items will be skipped when it comes again: keep its
      // outcomes for the next attempt (their ids are deterministic, so a partial send repeats harmlessly).
      this.pendingOutcomes.unshift(...outcomes);
      throw error;
    }
    for (const event of events) this.logger.info({ monitor_id: event.monitor_id, environment: event.environment, checkin_id: event.checkin_id, kind: event.kind, slot: event.slot }, 'monitor event');
  }
}
