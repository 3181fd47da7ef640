/**
 * Token buckets, one per key (a monitor-environment): `burst` check-ins at once, refilled at `perMinute`.
 * In memory and per ingest instance; a key idle long enough to be full again is forgotten.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxKeys = 1_000_000,
  ) {
    this.perMs = perMinute / 60_000;
  }

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, now: number = Date.now()): number {
    if (!this.enabled) return 0;
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs) : this.burst;
    if (tokens >= 1) {
      if (!bucket && this.buckets.size >= this.maxKeys) this.sweep(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    if (bucket) {
      bucket.tokens = tokens;
      bucket.at = now;
    }
    return Math.ceil((1 - tokens) / this.perMs);
  }

  /** Forgets buckets that have refilled: they behave exactly like new ones. */
  sweep(now: number = Date.now()): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
