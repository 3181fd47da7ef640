import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask, ROOT_LOGGER } from '@vigil/bootstrap';
import { ClickHouse } from '@vigil/clickhouse';
import { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { HistoryRetention } from './history-retention';

/** Applies VIGIL_RETENTION_DAYS to history's tables when history starts and every VIGIL_RETENTION_CHECK_MS. */
@Injectable()
export class HistoryRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(ClickHouse) clickhouse: ClickHouse, @Inject(VigilConfig) config: VigilConfig, @Inject(ROOT_LOGGER) logger: Logger) {
    const retention = new HistoryRetention(clickhouse, config.VIGIL_RETENTION_DAYS);
    const days = config.VIGIL_RETENTION_DAYS;
    this.task = new PeriodicTask(
      'history-retention',
      config.VIGIL_RETENTION_CHECK_MS,
      async () => {
        const outcome = await retention.apply();
        if (outcome.mode === 'ttl' && outcome.changed.length > 0) logger.info({ days, tables: outcome.changed }, 'retention: TTL set');
        if (outcome.mode === 'partitions' && outcome.dropped.length > 0) logger.info({ days, dropped: outcome.dropped }, 'retention: partitions dropped');
      },
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Before the ClickHouse client closes: the run in hand finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
