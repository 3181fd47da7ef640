import { deadLetterTotals, type TopicLag } from '@vigil/kafka';
import type { RefusalLog } from '@vigil/logging';
import { collectProcessMetrics, counter, gauge } from '@vigil/metrics';

/** Something that can say how far its consumer group is behind (a `TopicConsumer` fits). */
export interface LagSource {
  lag(): Promise<TopicLag[]>;
}

const lagSources = new Set<LagSource>();

/**
 * The broker answers a lag query well within this, or the scrape goes on without that consumer's lag: well under
 * the shortest scrape timeout in use (the e2e test's 2 s; Prometheus' default is 10 s).
 */
const LAG_TIMEOUT_MS = 1500;

/** Adds a consumer's group to `vigil_consumer_lag_messages`, read from the broker at each scrape. */
export function watchConsumerLag(source: LagSource): void {
  lagSources.add(source);
}

/**
 * What every service exports besides its own metrics: the default process metrics, the consumer lag of each of its
 * consumer groups, its dead letters and its refused requests. All are read when Prometheus scrapes, from the
 * counts the process keeps anyway, so they cost nothing between scrapes. Idempotent.
 */
export function registerProcessMetrics(refusals: RefusalLog): void {
  collectProcessMetrics();
  gauge<'service' | 'topic'>({
    name: 'vigil_consumer_lag_messages',
    help: "Messages a consumer group has not processed yet, per topic: the end of each partition minus the group's committed offset, summed (read from Kafka at each scrape).",
    labelNames: ['service', 'topic'],
    async collect() {
      const results = await Promise.allSettled([...lagSources].map((source) => withTimeout(source.lag(), LAG_TIMEOUT_MS)));
      // A topic whose lag Kafka did not tell is left out of this scrape (absent, not 0): Kafka away is no lag of 0.
      this.reset();
      for (const result of results) {
        if (result.status !== 'fulfilled') continue;
        for (const lag of result.value) this.set({ service: lag.service, topic: lag.topic }, lag.messages);
      }
    },
  });
  counter<'service' | 'topic' | 'reason'>({
    name: 'vigil_dead_letters_total',
    help: 'Messages this process gave up on and wrote to vigil.dead-letters.v1, per consuming service, topic and reason (contract, rejected, failed).',
    labelNames: ['service', 'topic', 'reason'],
    collect() {
      this.reset();
      for (const total of deadLetterTotals()) this.inc({ service: total.service, topic: total.topic, reason: total.reason }, total.count);
    },
  });
  counter<'protocol' | 'status' | 'code'>({
    name: 'vigil_requests_refused_total',
    help: 'Requests (or check-ins inside one) refused with a 4xx, per protocol or route pattern, HTTP status and error code: the counts the refusal log writes.',
    labelNames: ['protocol', 'status', 'code'],
    collect() {
      this.reset();
      for (const { reason, count } of refusals.totals()) {
        this.inc({ protocol: reason.protocol, status: reason.status === undefined ? '' : String(reason.status), code: reason.code }, count);
      }
    },
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
