/**
 * Gathers the calls made in one turn of the event loop and settles them with one call of `run`: every caller gets
 * that call's outcome. kafkajs hands the batches of one fetch to its workers in the same turn, so what they do next
 * (commit their offsets, write their rows) can go out as one request instead of one per partition.
 *
 * `run` settles every call alike, unless it returns one entry per item: the failure of that item (undefined where it
 * succeeded). `serial`: one `run` at a time; calls made while one runs wait for it and go out together in the next.
 */
export class TurnBatcher<I> {
  private pending: Array<{ item: I; resolve: () => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: (items: I[]) => Promise<void | readonly unknown[]>,
    private readonly options: { serial?: boolean } = {},
  ) {}

  add(item: I): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        if (this.options.serial) this.running = this.running.then(() => this.flush());
        else void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const failures = await this.run(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const failure = failures?.[index];
        if (failure === undefined) entry.resolve();
        else entry.reject(failure);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
