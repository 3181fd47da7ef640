import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ROOT_LOGGER } from '@vigil/bootstrap';
import { VigilConfig } from '@vigil/config';
import { TOPICS } from '@vigil/contracts';
import { TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';

/**
 * Writes an ingest beat into every check-ins partition every VIGIL_INGEST_BEAT_MS (decision 0023), dated by this
 * host's clock: the scheduler's outage guard reads a silence of every instance's beats as an outage of ingest, and
 * records the misses of that time as `unknown` instead of paging every team for Vigil's own failure. A beat that
 * Kafka does not acknowledge is logged once per failure streak: while Kafka is away no check-in is accepted either.
 */
@Injectable()
export class IngestBeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private readonly partitions = Array.from({ length: TOPICS['vigil.checkins.v1'].partitions }, (_, index) => index);

  constructor(
    @Inject(VigilConfig) private readonly config: VigilConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(TopicProducer) private readonly producer: TopicProducer,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.VIGIL_INGEST_BEAT_MS;
    if (every === 0) return;
    this.timer = setInterval(() => void this.beat(), every);
    this.timer.unref();
    void this.beat();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async beat(): Promise<void> {
    try {
      await this.producer.beat('vigil.checkins.v1', this.partitions, Date.now());
      if (this.failing) this.logger.info('ingest beats written again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error }, 'ingest beat not written (the outage guard will hold this instance down if it lasts)');
      this.failing = true;
    }
  }
}
