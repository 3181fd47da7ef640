import type { VisibilitySample } from './protocol';

export interface VisibilityResult {
  sampled: number;
  /** Milliseconds from ingest's answer until the API showed the check-in, per sample that became visible. */
  visibleMs: number[];
  /** Samples the API did not show within the timeout. */
  notVisible: number;
  /** Requests the poller sent to the API. */
  requests: number;
  /** API answers that were not 200, or failed. */
  failedRequests: number;
}

/**
 * Measures when check-ins become readable through Vigil's API: for each sampled check-in (ingest answered 2xx),
 * it polls `GET /api/0/organizations/<org>/monitors/<slug>/checkins/` (newest first, one entry per run) until the
 * run is there with the check-in's effect: a start shows the run at all, a finish shows it closed. The time is
 * taken when the answer that shows it arrives, so it is an upper bound, late by at most one poll interval.
 * Each monitor is asked at most once per interval, with at most `concurrency` requests in flight.
 */
export class VisibilityPoller {
  private readonly pending = new Map<string, VisibilitySample[]>();
  private readonly inFlight = new Set<string>();
  private readonly lastPolled = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private result: VisibilityResult = VisibilityPoller.empty();

  constructor(
    private readonly apiOrigin: string,
    private readonly org: string,
    private readonly token: string,
    private readonly pollMs: number,
    private readonly timeoutMs: number,
    private readonly concurrency: number,
  ) {}

  private static empty(): VisibilityResult {
    return { sampled: 0, visibleMs: [], notVisible: 0, requests: 0, failedRequests: 0 };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(this.pollMs / 4)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  add(sample: VisibilitySample): void {
    this.result.sampled += 1;
    const list = this.pending.get(sample.slug);
    if (list) list.push(sample);
    else this.pending.set(sample.slug, [sample]);
  }

  get outstanding(): number {
    let count = 0;
    for (const list of this.pending.values()) count += list.length;
    return count;
  }

  /** Waits until every sample so far is seen or timed out, then hands over the results and starts afresh. */
  async collect(): Promise<VisibilityResult> {
    while (this.outstanding > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const result = this.result;
    this.result = VisibilityPoller.empty();
    return result;
  }

  private tick(): void {
    const now = Date.now();
    for (const slug of this.pending.keys()) {
      if (this.inFlight.size >= this.concurrency) return;
      if (this.inFlight.has(slug) || now - (this.lastPolled.get(slug) ?? 0) < this.pollMs) continue;
      this.lastPolled.set(slug, now);
      this.inFlight.add(slug);
      void this.poll(slug).finally(() => this.inFlight.delete(slug));
    }
  }

  private async poll(slug: string): Promise<void> {
    this.result.requests += 1;
    let runs: Array<{ id: string; status: string }> = [];
    try {
      const response = await fetch(`${this.apiOrigin}/api/0/organizations/${this.org}/monitors/${slug}/checkins/?per_page=100&statsPeriod=1h`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(10000),
      });
      if (response.status === 200) runs = (await response.json()) as Array<{ id: string; status: string }>;
      else {
        this.result.failedRequests += 1;
        await response.arrayBuffer();
      }
    } catch {
      this.result.failedRequests += 1;
    }
    const answeredAt = Date.now();
    const byId = new Map(runs.map((run) => [run.id, run.status]));
    const waiting = this.pending.get(slug) ?? [];
    const still: VisibilitySample[] = [];
    for (const sample of waiting) {
      const status = byId.get(sample.checkinId);
      const shown = status !== undefined && (sample.status === 'in_progress' || status !== 'in_progress');
      if (shown) this.result.visibleMs.push(answeredAt - sample.ackAt);
      else if (answeredAt - sample.ackAt > this.timeoutMs) this.result.notVisible += 1;
      else still.push(sample);
    }
    if (still.length > 0) this.pending.set(slug, still);
    else this.pending.delete(slug);
  }
}
