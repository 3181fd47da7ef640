import type { TopicLag } from '@vigil/kafka';
import { watchConsumerLag } from './metrics/process-metrics';
import type { ReadinessRegistry } from './readiness.registry';

/** What the health endpoints need of a consumer (`TopicConsumer` fits). */
export interface SupervisedConsumer {
  readonly isConsuming: boolean;
  readonly hasFailed: boolean;
  onFailure(listener: (error: Error) => void): void;
  /** Its group's lag, for `vigil_consumer_lag_messages`. */
  lag?(): Promise<TopicLag[]>;
}

/**
 * Wires a consumer into the health endpoints: /readyz's `name` is false while it is not consuming (out of its
 * group, restarting, blocked on a store, silent for a session timeout); /healthz's `name` is false once it gave
 * up, and then the service exits (status 70) for its supervisor to restart it.
 */
export function watchConsumer(readiness: ReadinessRegistry, consumer: SupervisedConsumer, name = 'consumer'): void {
  readiness.register(name, async () => consumer.isConsuming);
  readiness.registerLiveness(name, () => !consumer.hasFailed);
  consumer.onFailure((error) => readiness.requestRestart(error));
  if (consumer.lag) watchConsumerLag({ lag: () => consumer.lag!() });
}
