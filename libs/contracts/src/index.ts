export * from './formats';
export * from './topics';
export * from './topics/checkins.topic';
export * from './topics/monitor-events.topic';
export * from './validation';
