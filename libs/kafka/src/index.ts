export * from './failure';
export * from './kafka-client';
export * from './topic-admin';
export * from './topic-consumer';
export * from './topic-producer';
export * from './partition-reader';
export * from './group-lag';
