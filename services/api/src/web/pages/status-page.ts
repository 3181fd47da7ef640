import type { VigilConfig } from '@vigil/config';
import { parseMetricsText, sampleValue, type MetricSample } from '@vigil/metrics';
import { PageError, type Session } from '../page-context';
import { renderPage, utcText, type PageKit } from './page-kit';

export const STATUS_SERVICES = ['ingest', 'api', 'scheduler', 'issues', 'notifier', 'history'] as const;
export type StatusService = (typeof STATUS_SERVICES)[number];

/** Where the Status page asks one service: its readiness and its metrics. */
export interface StatusTarget {
  name: StatusService;
  readyUrl: string;
  metricsUrl: string;
}

const PORTS = {
  ingest: 'VIGIL_INGEST_PORT',
  api: 'VIGIL_API_PORT',
  scheduler: 'VIGIL_SCHEDULER_PORT',
  issues: 'VIGIL_ISSUES_PORT',
  notifier: 'VIGIL_NOTIFIER_PORT',
  history: 'VIGIL_HISTORY_PORT',
} as const satisfies Record<StatusService, keyof VigilConfig>;

/**
 * Each service's /readyz and /metrics: from VIGIL_STATUS_URLS (`<service>=<base URL>`, and `ingest-metrics` for
 * ingest's own metrics listener), else at 127.0.0.1 on the service's configured port (the local stack).
 */
export function statusTargets(config: Pick<VigilConfig, 'VIGIL_STATUS_URLS' | 'VIGIL_INGEST_METRICS_PORT' | (typeof PORTS)[StatusService]>): StatusTarget[] {
  const given = new Map<string, string>();
  for (const entry of config.VIGIL_STATUS_URLS.split(',')) {
    const equals = entry.indexOf('=');
    if (equals > 0)
      given.set(
        entry.slice(0, equals).trim(),
        entry
          .slice(equals + 1)
          .trim()
          .replace(/\/+$/, ''),
      );
  }
  return STATUS_SERVICES.map((name) => {
    const base = given.get(name) ?? `http://127.0.0.1:${String(config[PORTS[name]])}`;
    const metricsBase = name === 'ingest' ? (given.get('ingest-metrics') ?? `http://127.0.0.1:${config.VIGIL_INGEST_METRICS_PORT}`) : base;
    return { name, readyUrl: `${base}/readyz`, metricsUrl: `${metricsBase}/metrics` };
  });
}

/** What one service said (or did not). */
export interface ServiceStatus {
  name: StatusService;
  readyUrl: string;
  state: 'ready' | 'not_ready' | 'down';
  /** The readiness checks that failed (`not_ready`), or why it could not be asked (`down`). */
  detail: string;
  failing: string[];
  clockLagSeconds: number | null;
  consumerLag: Array<{ topic: string; messages: number }>;
  metricsError: string | null;
}

/** A service's state from its /readyz answer (status and JSON body), or from the error asking it. */
export function readiness(answer: { status: number; body: unknown } | { error: string }): Pick<ServiceStatus, 'state' | 'detail' | 'failing'> {
  if ('error' in answer) return { state: 'down', detail: answer.error, failing: [] };
  const checks = (answer.body as { checks?: Record<string, boolean> } | null)?.checks ?? {};
  const failing = Object.entries(checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  if (answer.status === 200) return { state: 'ready', detail: failing.length > 0 ? `informational checks failing: ${failing.join(', ')}` : '', failing };
  return { state: 'not_ready', detail: failing.length > 0 ? `failing: ${failing.join(', ')}` : `answered ${answer.status}`, failing };
}

/** The lags the page shows from a service's samples: the scheduler's clock lag, and its consumer groups' lag per topic. */
export function lags(samples: readonly MetricSample[]): Pick<ServiceStatus, 'clockLagSeconds' | 'consumerLag'> {
  const perTopic = new Map<string, number>();
  for (const sample of samples) {
    if (sample.name !== 'vigil_consumer_lag_messages') continue;
    const topic = sample.labels['topic'] ?? '';
    perTopic.set(topic, (perTopic.get(topic) ?? 0) + sample.value);
  }
  return {
    clockLagSeconds: sampleValue(samples, 'vigil_clock_lag_seconds'),
    consumerLag: [...perTopic].map(([topic, messages]) => ({ topic, messages })).sort((a, b) => a.topic.localeCompare(b.topic)),
  };
}

const TIMEOUT_MS = 2000;

async function ask(url: string): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

async function metrics(url: string): Promise<{ samples: MetricSample[] } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    if (!response.ok) return { error: `answered ${response.status}` };
    return { samples: parseMetricsText(await response.text()) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (error instanceof Error ? error.message : String(error)) };
  }
}

/**
 * The status of Vigil itself, for admins and owners: each service's readiness (its /readyz), the scheduler's
 * clock lag and every consumer group's lag (their /metrics), asked in parallel with a 2 s limit each. These are
 * the services' own endpoints, so a script (or Prometheus) reads the same.
 */
export class StatusPage {
  private readonly targets: StatusTarget[];

  constructor(private readonly kit: PageKit) {
    this.targets = statusTargets(kit.config);
  }

  async render(session: Session, org: string): Promise<string> {
    if (session.org !== org) throw new PageError(404, 'Not found', 'There is nothing here.');
    if (session.role !== 'admin' && session.role !== 'owner') throw new PageError(403, 'Not allowed', "Vigil's status is for admins and owners.");
    const checkedAt = new Date().toISOString();
    const services: ServiceStatus[] = await Promise.all(
      this.targets.map(async (target) => {
        const [ready, scraped] = await Promise.all([ask(target.readyUrl), metrics(target.metricsUrl)]);
        const state = readiness(ready);
        const lag = 'samples' in scraped ? lags(scraped.samples) : { clockLagSeconds: null, consumerLag: [] };
        return { name: target.name, readyUrl: target.readyUrl, ...state, ...lag, metricsError: 'error' in scraped ? scraped.error : null };
      }),
    );
    const ready = services.filter((service) => service.state === 'ready').length;
    return renderPage(this.kit, session, { title: 'Status', current: 'status' }, '@status', {
      org,
      services: services.map((service) => ({
        ...service,
        clockLagText: service.clockLagSeconds === null ? '' : `${service.clockLagSeconds.toFixed(1)} s`,
        consumerLagTotal: service.consumerLag.reduce((sum, lag) => sum + lag.messages, 0),
      })),
      summary: `${ready} of ${services.length} services ready`,
      checkedAt,
      checkedText: utcText(checkedAt),
    });
  }
}
