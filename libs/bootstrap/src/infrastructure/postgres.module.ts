import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { VigilConfig } from '@vigil/config';
import { createDataSource } from '@vigil/db';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from '../readiness.registry';

@Injectable()
class PostgresLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.readiness.register('postgres', async () => {
      if (!this.dataSource.isInitialized) await this.dataSource.initialize();
      await this.dataSource.query('SELECT 1');
      return true;
    });
    // Start even when Postgres is down: readiness reports it, and the pool connects when it is back.
    await this.dataSource.initialize().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The TypeORM DataSource, shared by a service's repositories; closed after the HTTP listener. */
@Global()
@Module({
  providers: [{ provide: DataSource, inject: [VigilConfig], useFactory: (config: VigilConfig) => createDataSource(config) }, PostgresLifecycle],
  exports: [DataSource],
})
export class PostgresModule {}
