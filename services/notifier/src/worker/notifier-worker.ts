import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER, watchConsumer } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { CONSUMER_GROUPS } from '@vigil/contracts';
import { deliver, deliveryDepsFromConfig, retryPolicyFromConfig, type DeliveryDeps } from '@vigil/integrations';
import { consumerSettings, createKafkaClient, TopicConsumer, TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import { DeliveryDispatcher } from '../deliveries/delivery-dispatcher';
import { DeliveryLedger } from '../deliveries/delivery-ledger';
import { RecordTransitions } from '../transitions/record-transitions.usecase';
import { TransitionRepository } from '../transitions/transition.repository';
import { notifierMetrics } from './notifier-metrics';

/**
 * Beyond the attempt timeout, how long a claim outlives an attempt before another instance may take the
 * delivery over (the SMTP client's phases each have the timeout, so an attempt can outlast it somewhat).
 */
const LEASE_MARGIN_MS = 5000;

/**
 * The notifier's two halves in one process:
 * - the consumer (group `vigil-notifier`) turns `vigil.issues.v1` transitions into pending deliveries
 *   (`RecordTransitions`), committed to Postgres before the consumer commits the batch's offsets;
 * - the dispatcher sends due deliveries from the ledger, records every attempt, retries with backoff and
 *   dead-letters to `vigil.notifications-dead-letter.v1`; it is woken at once when the consumer created some.
 */
@Injectable()
export class NotifierWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: TopicConsumer<'vigil.issues.v1'>;
  private readonly dispatcher: DeliveryDispatcher;
  private readonly deps: DeliveryDeps;

  constructor(
    @Inject(VigilConfig) config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(TopicProducer) producer: TopicProducer,
    @Inject(DataSource) dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.deps = deliveryDepsFromConfig(config);
    const policy = retryPolicyFromConfig(config);
    const leaseMs = 2 * config.VIGIL_NOTIFIER_ATTEMPT_TIMEOUT_MS + LEASE_MARGIN_MS;
    const ledger = new DeliveryLedger(dataSource, policy, leaseMs);
    this.dispatcher = new DeliveryDispatcher({
      ledger,
      send: (delivery, integration, attempt) => deliver(delivery.alert, integration, this.deps, attempt),
      publishDeadLetter: (record) => producer.produce('vigil.notifications-dead-letter.v1', record.integration_id, record),
      policy,
      pollMs: config.VIGIL_NOTIFIER_POLL_MS,
      concurrency: config.VIGIL_NOTIFIER_CONCURRENCY,
      recordBudgetMs: leaseMs / 2,
      logger,
      ...(config.VIGIL_METRICS === 'on' ? { settled: notifierMetrics(dataSource) } : {}),
    });
    const transitions = new RecordTransitions(new TransitionRepository(dataSource), { appUrl: config.VIGIL_PUBLIC_APP_URL }, logger);
    this.consumer = new TopicConsumer(createKafkaClient(config, 'vigil-notifier', logger), logger, {
      groupId: CONSUMER_GROUPS.notifier,
      service: 'notifier',
      topics: ['vigil.issues.v1'],
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: async (messages) => {
        const created = await transitions.handle(messages.map((message) => message.payload));
        if (created > 0) this.dispatcher.wake();
      },
      // A new group reads the retained transitions from the start: the ledger drops the ones it already holds.
      fromBeginning: true,
      // Partition batches are independent (different monitor-environments): several overlap their Postgres
      // round trips. Bounded well below the connection pool.
      partitionsConcurrently: 4,
      settings: consumerSettings(config),
      deadLetters: producer,
    });
  }

  async onModuleInit(): Promise<void> {
    watchConsumer(this.readiness, this.consumer);
    this.readiness.register('deliveries', async () => this.dispatcher.isRunning);
    this.dispatcher.start();
    await this.consumer.start();
  }

  /** The consumer commits and leaves; attempts in flight finish and are recorded; then the producer closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'consumer did not stop cleanly'));
    await this.dispatcher.stop();
    this.deps.mailer?.close();
  }
}
