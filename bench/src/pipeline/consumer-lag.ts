/** One `vigil_consumer_lag_messages` series: a service's consumer group on one topic. */
export interface Lag {
  service: string;
  topic: string;
  messages: number;
}

/**
 * Every consumer group's lag as its service exports it on /metrics (`vigil_consumer_lag_messages{service,topic}`,
 * read from Kafka at each scrape: docs/operations.md). A service that does not answer gives no series.
 */
export async function consumerLag(metricsUrls: readonly string[]): Promise<Lag[]> {
  const pages = await Promise.all(
    metricsUrls.map(async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        return response.ok ? await response.text() : '';
      } catch {
        return '';
      }
    }),
  );
  const lags: Lag[] = [];
  for (const page of pages) {
    for (const line of page.split('\n')) {
      const match = /^vigil_consumer_lag_messages\{([^}]*)\}\s+(\S+)/.exec(line);
      if (!match) continue;
      const labels = new Map([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1] ?? '', label[2] ?? '']));
      lags.push({ service: labels.get('service') ?? '?', topic: labels.get('topic') ?? '?', messages: Number(match[2]) });
    }
  }
  return lags.sort((a, b) => a.service.localeCompare(b.service) || a.topic.localeCompare(b.topic));
}
