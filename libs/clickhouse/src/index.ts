export * from './clickhouse-client';
export * from './migrations';
export * from './sql';
export * from './run-fold';
