import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, ROOT_LOGGER, watchConsumer } from '@vigil/bootstrap';
import { ClickHouse } from '@vigil/clickhouse';
import { VigilConfig } from '@vigil/config';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { HistoryConsumer } from './history-consumer';

/** History's consumer (`HistoryConsumer`) in the service: started with it, watched by /readyz, stopped before ClickHouse closes. */
@Injectable()
export class HistoryWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly history: HistoryConsumer;

  constructor(
    @Inject(ClickHouse) clickhouse: ClickHouse,
    @Inject(VigilConfig) config: VigilConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Inject(TopicProducer) producer: TopicProducer,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.history = new HistoryConsumer(clickhouse, config, logger, producer);
  }

  async onModuleInit(): Promise<void> {
    watchConsumer(this.readiness, this.history.consumer);
    await this.history.start();
  }

  /** Before the ClickHouse client closes: finish and commit the batch in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.history.stop();
  }
}
