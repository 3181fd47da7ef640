export * from './domain-error';
export * from './readiness.registry';
export * from './run-service';
export * from './service-core.module';
