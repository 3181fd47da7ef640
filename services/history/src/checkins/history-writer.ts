import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER } from '@vigil/bootstrap';
import { ClickHouse } from '@vigil/clickhouse';
import { VigilConfig } from '@vigil/config';
import type { CheckinMessageV1, MonitorEventV1 } from '@vigil/contracts';
import { createKafkaClient, TopicConsumer, type ConsumedMessage } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { rowFromCheckin, rowFromMonitorEvent, type CheckinRow } from './checkin-row';

type HistoryTopic = 'vigil.checkins.v1' | 'vigil.monitor-events.v1';

/**
 * Consumes check-ins and monitor events and writes them to ClickHouse, one insert per batch. Offsets are
 * committed after the insert, so a crash repeats a batch rather than losing it; repeats are harmless
 * because reads take the latest row per check-in and the table folds identical event ids.
 */
@Injectable()
export class HistoryWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly consumer: TopicConsumer<HistoryTopic>;

  constructor(
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.consumer = new TopicConsumer<HistoryTopic>(createKafkaClient(config, 'vigil-history', logger), logger, {
      groupId: 'vigil-history',
      topics: ['vigil.checkins.v1', 'vigil.monitor-events.v1'],
      prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
      handleBatch: (messages) => this.write(messages),
    });
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('kafka', async () => this.consumer.isRunning);
    await this.consumer.start();
  }

  /** Before the ClickHouse client closes: finish and commit the batch in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async write(messages: ConsumedMessage<HistoryTopic>[]): Promise<void> {
    const rows: CheckinRow[] = messages.map((message) =>
      message.topic === 'vigil.checkins.v1' ? rowFromCheckin(message.payload as CheckinMessageV1) : rowFromMonitorEvent(message.payload as MonitorEventV1),
    );
    for (let start = 0; start < rows.length; start += this.config.VIGIL_HISTORY_BATCH_SIZE) {
      await this.clickhouse.insert('checkins', rows.slice(start, start + this.config.VIGIL_HISTORY_BATCH_SIZE));
    }
    this.logger.debug({ rows: rows.length, partition: messages[0]?.partition }, 'history written');
  }
}
