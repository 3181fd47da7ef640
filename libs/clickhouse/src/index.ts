export * from './clickhouse-client';
export * from './migrations';
export * from './server-version';
export * from './sql';
export * from './run-fold';
