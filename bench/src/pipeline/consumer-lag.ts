import { CONSUMER_GROUPS, type ConsumingService } from '@vigil/contracts';
import { committedGroupLag } from '@vigil/kafka';
import type { Admin } from 'kafkajs';

/** One consumer group's lag on one topic. */
export interface Lag {
  service: string;
  topic: string;
  messages: number;
}

/**
 * Every consuming service's group lag, read from the broker (committed offsets against the partitions' ends, as the
 * services' `vigil_consumer_lag_messages` and the self-heartbeat read it). Asked of Kafka directly rather than scraped
 * from /metrics: a service that is saturated answers its scrape late, and its lag query there has a 1.5 s budget, so
 * the series would be missing exactly when the lag matters. Topic names are given without the deployment's prefix.
 */
export async function consumerLag(admin: Admin, prefix: string, services: readonly ConsumingService[]): Promise<Lag[]> {
  const lags = await Promise.all(
    services.map(async (service) =>
      (await committedGroupLag(admin, `${prefix}${CONSUMER_GROUPS[service]}`)).map((lag) => ({
        service,
        topic: lag.topic.startsWith(prefix) ? lag.topic.slice(prefix.length) : lag.topic,
        messages: lag.messages,
      })),
    ),
  );
  return lags.flat().sort((a, b) => a.service.localeCompare(b.service) || a.topic.localeCompare(b.topic));
}
