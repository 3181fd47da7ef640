export * from './metrics-registry';
export * from './metrics-server';
export * from './metrics-text';
