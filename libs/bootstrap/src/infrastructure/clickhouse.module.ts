import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClickHouse } from '@vigil/clickhouse';
import { VigilConfig } from '@vigil/config';
import { ReadinessRegistry } from '../readiness.registry';

@Injectable()
class ClickHouseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(ClickHouse) private readonly clickhouse: ClickHouse,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('clickhouse', () => this.clickhouse.ping());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.clickhouse.close();
  }
}

/** The history store client. */
@Global()
@Module({
  providers: [{ provide: ClickHouse, inject: [VigilConfig], useFactory: (config: VigilConfig) => ClickHouse.connect(config) }, ClickHouseLifecycle],
  exports: [ClickHouse],
})
export class ClickHouseModule {}
