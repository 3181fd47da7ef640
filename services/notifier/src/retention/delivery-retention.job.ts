import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask, ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { DataSource } from 'typeorm';
import { DeliveryRetention } from './delivery-retention';

/** Applies VIGIL_RETENTION_DAYS to finished deliveries when the notifier starts and every VIGIL_RETENTION_CHECK_MS. */
@Injectable()
export class DeliveryRetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@Inject(DataSource) dataSource: DataSource, @Inject(VigilConfig) config: VigilConfig, @Inject(ROOT_LOGGER) logger: Logger) {
    const retention = new DeliveryRetention(dataSource, config.VIGIL_RETENTION_DAYS);
    this.task = new PeriodicTask(
      'delivery-retention',
      config.VIGIL_RETENTION_CHECK_MS,
      async () => {
        const outcome = await retention.apply();
        if (outcome.deliveries > 0) logger.info({ days: config.VIGIL_RETENTION_DAYS, ...outcome }, 'retention: finished deliveries deleted');
      },
      logger,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Before the Postgres pool closes: the batch in hand finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
