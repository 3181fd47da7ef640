export * from './service-process';
export * from './stack';
export * from './test-config';
export * from './test-stores';
export * from './wait-for';
