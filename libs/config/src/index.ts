export * from './config-variable.decorator';
export * from './load-config';
export * from './vigil-config';
