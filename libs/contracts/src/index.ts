export * from './formats';
export * from './topics';
export * from './topics/checkins.topic';
export * from './topics/monitor-events.topic';
export * from './topics/monitor-states.topic';
export * from './topics/processing-errors.topic';
export * from './topics/scheduler-state.topic';
export * from './validation';
