import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { kafkaConnection, TopicProducer } from '@vigil/kafka';
import type { Logger } from '@vigil/logging';
import { ReadinessRegistry } from '../readiness.registry';
import { ROOT_LOGGER } from '../service-core.module';

@Injectable()
class ProducerLifecycle implements OnModuleInit, OnApplicationShutdown {
  private connected = false;

  constructor(
    @Inject(TopicProducer) private readonly producer: TopicProducer,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.register('kafka', async () => this.connected);
    await this.producer.connect();
    this.connected = true;
  }

  /** Runs after the HTTP listener closed: every acknowledged request's message is already in Kafka. */
  async onApplicationShutdown(): Promise<void> {
    this.connected = false;
    await this.producer.close();
  }
}

/** The service's one Kafka producer (idempotent, acks=all, app-level batching). */
@Global()
@Module({
  providers: [
    {
      provide: TopicProducer,
      inject: [VigilConfig, ROOT_LOGGER],
      useFactory: (config: VigilConfig, logger: Logger) =>
        new TopicProducer(kafkaConnection(config, 'vigil-producer'), logger, {
          prefix: config.VIGIL_KAFKA_TOPIC_PREFIX,
          lingerMs: config.VIGIL_KAFKA_LINGER_MS,
        }),
    },
    ProducerLifecycle,
  ],
  exports: [TopicProducer],
})
export class KafkaProducerModule {}
