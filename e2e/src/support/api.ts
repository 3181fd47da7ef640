import { waitFor } from '@vigil/testing';

/** `config` of a monitor as the API returns it (Sentry's organization monitors shape). */
export interface ApiMonitorConfig {
  schedule_type: 'crontab' | 'interval';
  /** A crontab string, or [value, unit] for an interval. */
  schedule: string | [number, string];
  checkin_margin: number | null;
  max_runtime: number | null;
  timezone: string | null;
  failure_issue_threshold: number | null;
  recovery_threshold: number | null;
}

export interface ApiMonitor {
  id: string;
  slug: string;
  config: ApiMonitorConfig;
}

/** One run of a monitor, as `GET .../monitors/<slug>/checkins/` lists them (newest first). */
export interface ApiCheckin {
  id: string;
  environment: string;
  status: string;
  /** Milliseconds, or null. */
  duration: number | null;
  dateCreated: string;
  dateUpdated: string;
  /** The slot the run counts for (ISO), or null. */
  expectedTime: string | null;
}

export interface RunQuery {
  /** Only runs of this environment (tests that set up a monitor with a check-in of their own leave it out). */
  environment?: string;
}

/** Reads monitors and check-ins back through the API, as a user or script with a token would. */
export class VigilApi {
  constructor(
    readonly url: string,
    private readonly organization: string,
    private readonly token: string,
  ) {}

  private async get(path: string): Promise<Response> {
    return fetch(`${this.url}/api/0/organizations/${this.organization}/${path}`, { headers: { authorization: `Bearer ${this.token}` } });
  }

  /** Any organization endpoint, as a script with the token calls it: the status and the JSON answer, read as `T`. */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${this.url}/api/0/organizations/${this.organization}/${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
  }

  /** The monitor, or undefined when the API answers 404. */
  async monitor(slug: string): Promise<ApiMonitor | undefined> {
    const response = await this.get(`monitors/${encodeURIComponent(slug)}/`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`GET monitor ${slug}: ${response.status} ${await response.text()}`);
    return (await response.json()) as ApiMonitor;
  }

  async checkins(slug: string, query: RunQuery = {}): Promise<ApiCheckin[]> {
    const response = await this.get(`monitors/${encodeURIComponent(slug)}/checkins/`);
    if (response.status !== 200) throw new Error(`GET check-ins of ${slug}: ${response.status} ${await response.text()}`);
    const runs = (await response.json()) as ApiCheckin[];
    return query.environment === undefined ? runs : runs.filter((run) => run.environment === query.environment);
  }

  /** The monitor, waiting for it to exist (it exists once ingest answered; waiting only covers slow starts). */
  async waitForMonitor(slug: string): Promise<ApiMonitor> {
    return waitFor(`monitor ${slug} in the API`, () => this.monitor(slug), { timeoutMs: 10000 });
  }

  /**
   * Polls the check-ins (history is written asynchronously) until `settled` holds for them, and returns them.
   * The default waits for `count` runs none of which is still in progress. On timeout the error shows what
   * the API returned last, so a failing test names what it saw.
   */
  async waitForRuns(
    slug: string,
    count: number,
    options: RunQuery & { settled?: (runs: ApiCheckin[]) => boolean; timeoutMs?: number } = {},
  ): Promise<ApiCheckin[]> {
    const settled = options.settled ?? ((runs: ApiCheckin[]) => runs.every((run) => run.status !== 'in_progress'));
    let last: ApiCheckin[] | string = 'nothing yet';
    try {
      return await waitFor(
        `${count} settled run(s) of ${slug}`,
        async () => {
          const runs = await this.checkins(slug, options);
          last = runs;
          return runs.length === count && settled(runs) ? runs : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 20000, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast seen: ${JSON.stringify(last, null, 2)}`);
    }
  }
}
