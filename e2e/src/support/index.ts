export * from './api';
export * from './curl';
export * from './process';
export * from './tools';
export * from './vigil';
export * from './timeline';
export * from './issue-feed';
export * from './kafka-progress';
