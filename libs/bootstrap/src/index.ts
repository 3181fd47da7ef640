export * from './consumer-health';
export * from './readiness.registry';
export * from './run-service';
export * from './service-core.module';
export * from './infrastructure/clickhouse.module';
export * from './infrastructure/kafka-producer.module';
export * from './infrastructure/postgres.module';
export { markRefusal } from './refusal-code';
export * from './metrics/process-metrics';
