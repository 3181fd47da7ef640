import type { Logger } from 'pino';

/** Why a request (or a check-in inside one) was refused: where it came in, its HTTP status, its error code. */
export interface RefusalReason {
  /** The protocol or route pattern, never the raw URL: `sentry-envelope`, `healthchecks-ping`, `/api/0/organizations/:org/monitors`. */
  protocol: string;
  /** The HTTP status answered; absent for a check-in refused inside an accepted request. */
  status?: number;
  /** The error code answered (`rate_limited`, `unknown_key`, ...). */
  code: string;
}

/** Where one refused request of a reason came from: coordinates only, with credentials already taken out. */
export type RefusalExample = Readonly<Record<string, string | number | null | undefined>>;

export interface RefusalLogOptions {
  /** How often counts are written, in milliseconds. */
  intervalMs: number;
  /** The clock (tests give a fake one). */
  now?: () => number;
  /** Distinct reasons tracked at once; refusals of further reasons are counted under `other`. */
  maxReasons?: number;
}

interface Pending {
  reason: RefusalReason;
  count: number;
  firstAt: number;
  lastAt: number;
  example: RefusalExample;
}

const OVERFLOW: RefusalReason = { protocol: '*', code: 'other' };

/**
 * Refused requests, counted instead of logged one by one, so a flood of bad or rate-limited check-ins costs a
 * few lines instead of a line each (issue #19: 497 MB from one flood of pings).
 *
 * A reason not seen in the last interval is logged at once, with count 1: one failing client, the usual case
 * when someone is debugging a DSN or a ping URL, shows up immediately and costs what it did before. Further
 * refusals of that reason are counted and written as one line per reason per interval, with the count and the
 * latest example. A reason that had no refusal for a whole interval is forgotten, so its next refusal is again
 * logged at once. Every line is `msg: "requests refused"` with `count`: summing `count` over the lines gives
 * the number of refusals exactly. At most two lines per reason per interval.
 */
export class RefusalLog {
  private readonly pending = new Map<string, Pending>();
  /** Every refusal since the process started, per reason (for the metric `vigil_requests_refused_total`). */
  private readonly counted = new Map<string, { reason: RefusalReason; count: number }>();
  private readonly now: () => number;
  private readonly maxReasons: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly options: RefusalLogOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxReasons = options.maxReasons ?? 200;
  }

  record(reason: RefusalReason, example: RefusalExample = {}): void {
    let key = keyOf(reason);
    let entry = this.pending.get(key);
    if (!entry && this.pending.size >= this.maxReasons) {
      reason = OVERFLOW;
      key = keyOf(reason);
      entry = this.pending.get(key);
    }
    this.countTotal(key, reason);
    const at = this.now();
    if (!entry) {
      this.pending.set(key, { reason, count: 0, firstAt: at, lastAt: at, example });
      this.write(reason, 1, at, at, example);
      return;
    }
    if (entry.count === 0) entry.firstAt = at;
    entry.count += 1;
    entry.lastAt = at;
    entry.example = example;
  }

  /**
   * Refusals since the process started, per reason, counted when they happen (not when written). Reasons past
   * `maxReasons` at the time are counted under `other`, so this stays as bounded as the log.
   */
  totals(): Array<{ reason: RefusalReason; count: number }> {
    return [...this.counted.values()].map(({ reason, count }) => ({ reason: { ...reason }, count }));
  }

  /** Writes one line per reason with refusals not written yet; forgets the reasons that had none. */
  flush(): void {
    for (const [key, entry] of this.pending) {
      if (entry.count === 0) {
        this.pending.delete(key);
        continue;
      }
      this.write(entry.reason, entry.count, entry.firstAt, entry.lastAt, entry.example);
      entry.count = 0;
    }
  }

  /** Flushes every `intervalMs` until `stop`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is still counted, so a stopping service loses no count. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
  }

  private countTotal(key: string, reason: RefusalReason): void {
    if (!this.counted.has(key) && this.counted.size >= this.maxReasons) {
      key = keyOf(OVERFLOW);
      reason = OVERFLOW;
    }
    const total = this.counted.get(key);
    if (total) total.count += 1;
    else this.counted.set(key, { reason, count: 1 });
  }

  private write(reason: RefusalReason, count: number, firstAt: number, lastAt: number, example: RefusalExample): void {
    this.logger.info(
      {
        protocol: reason.protocol,
        ...(reason.status === undefined ? {} : { status: reason.status }),
        code: reason.code,
        count,
        first_at: new Date(firstAt).toISOString(),
        last_at: new Date(lastAt).toISOString(),
        interval_ms: this.options.intervalMs,
        example,
      },
      'requests refused',
    );
  }
}

function keyOf(reason: RefusalReason): string {
  return `${reason.protocol}\u0000${reason.status ?? ''}\u0000${reason.code}`;
}
