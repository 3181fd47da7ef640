interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers write one item each and wait for its own answer, the writes go out together. The first
 * item of an idle batcher is written on the next turn of the event loop (with whatever else arrived in the same
 * turn); while a write is running, new items wait and go out together when it ends, at most `maxBatch` at a time.
 * So a lone item costs one statement and no added wait, and under load one statement carries many items.
 *
 * `write` answers one result per item, in the items' order. When it throws, every item of that write rejects
 * with the error (the callers retry as they see fit); later writes are not affected.
 */
export class WriteBatcher<T, R> {
  private queue: Array<Waiting<T, R>> = [];
  private draining = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<readonly R[]>,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((waiting) => waiting.item));
        if (results.length !== batch.length) throw new Error(`a batched write answered ${results.length} results for ${batch.length} items`);
        batch.forEach((waiting, index) => waiting.resolve(results[index] as R));
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.draining = false;
  }
}
