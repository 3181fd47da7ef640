export * from './data-source';
export * from './entities';
export * from './migrations';
export * from './secrets';
export * from './config-change-listener';
export * from './monitor-row';
export * from './monitor-config';
