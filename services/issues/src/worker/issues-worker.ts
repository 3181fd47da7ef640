import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER, watchConsumer } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { CONSUMER_GROUPS } from '@vigil/contracts';
import { consumerSettings, createKafkaClient, TopicConsumer, TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import { ApplyRunResults } from '../processing/apply-run-results.usecase';
import { IssueRepository } from '../store/issue.repository';
import { issuesMetrics } from './issues-metrics';

/**
 * Runs `ApplyRunResults` for the `vigil.run-results.v1` partitions the consumer group `vigil-issues` gives
 * this instance. A new group reads the topic from its start: the counting state is built from every result
 * the topic still holds. Offsets are committed only after a batch's Postgres transaction committed.
 */
@Injectable()
export class IssuesWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: TopicConsumer<'vigil.run-results.v1'>;

  constructor(
    @Inject(VigilConfig) config: VigilConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(TopicProducer) producer: TopicProducer,
    @Inject(DataSource) dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {
    if (config.VIGIL_METRICS === 'on') issuesMetrics(dataSource);
    const useCase = new ApplyRunResults(new IssueRepository(dataSource), producer, logger);
    this.consumer = new TopicConsumer(createKafkaClient(config, 'vigil-issues', logger), logger, {
      groupId: CONSUMER_GROUPS.issues,
      service: 'issues',
      topics: ['vigil.run-results.v1'],
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: async (messages) => {
        await useCase.execute(messages);
      },
      fromBeginning: true,
      // Partition batches are independent (different monitor-environments): several overlap their Postgres
      // round trips. Bounded well below the connection pool. Not coalesced into one transaction: a burst of openings
      // (1,000 misses in one second) then waits on one transaction's issue checks one after another (bench:notify's
      // p99 was 5.35 s so and 4.64 s without, on one machine in one hour; decision 0026).
      partitionsConcurrently: 4,
      settings: consumerSettings(config),
      deadLetters: producer,
    });
  }

  async onModuleInit(): Promise<void> {
    watchConsumer(this.readiness, this.consumer);
    await this.consumer.start();
  }

  /** Before the producer and Postgres close: finish and commit the batch in hand, then leave the group. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
