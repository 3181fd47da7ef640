interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Look-ups of one kind (keys, slugs, ...) that share queries: at most one query runs at a time, and every key
 * asked for while it runs goes into the next one, up to `maxBatch`. Ten thousand unknown slugs in flight cost a
 * handful of queries, not ten thousand (issue #19). `load` puts what it finds into the view; the caller reads
 * the view once its key's batch is done.
 */
export class BatchedLookup {
  private pending = new Map<string, Waiter[]>();
  private running = false;

  constructor(
    private readonly loadBatch: (keys: string[]) => Promise<void>,
    private readonly maxBatch = 1000,
  ) {}

  load(key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      // The next tick, so that every look-up of the same request (an envelope's items) joins the first batch.
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = new Map<string, Waiter[]>();
      for (const [key, waiters] of this.pending) {
        if (batch.size >= this.maxBatch) break;
        batch.set(key, waiters);
      }
      for (const key of batch.keys()) this.pending.delete(key);
      try {
        await this.loadBatch([...batch.keys()]);
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.running = false;
  }
}
