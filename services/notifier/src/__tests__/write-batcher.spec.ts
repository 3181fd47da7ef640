import { WriteBatcher } from '../deliveries/write-batcher';

/** A write that waits until released, so a test decides when a batch ends. */
class GatedWrite {
  readonly calls: number[][] = [];
  private releases: Array<() => void> = [];
  failNext: Error | null = null;

  readonly write = async (items: readonly number[]): Promise<string[]> => {
    this.calls.push([...items]);
    await new Promise<void>((resolve) => this.releases.push(resolve));
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    return items.map((item) => `done ${item}`);
  };

  /** Ends the oldest write still running. */
  release(): void {
    this.releases.shift()?.();
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('writes a lone item at once, on its own, and answers it', async () => {
    const gate = new GatedWrite();
    const batcher = new WriteBatcher(gate.write, 10);
    const answer = batcher.add(1);
    await turn();
    expect(gate.calls).toEqual([[1]]);
    gate.release();
    await expect(answer).resolves.toBe('done 1');
  });

  it('items of the same turn go out together; items arriving while a write runs wait for it and then go out together', async () => {
    const gate = new GatedWrite();
    const batcher = new WriteBatcher(gate.write, 10);
    const first = [batcher.add(1), batcher.add(2)];
    await turn();
    const second = [3, 4, 5].map((item) => batcher.add(item));
    await turn();
    expect(gate.calls).toEqual([[1, 2]]);
    gate.release();
    await expect(Promise.all(first)).resolves.toEqual(['done 1', 'done 2']);
    await turn();
    expect(gate.calls).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    gate.release();
    await expect(Promise.all(second)).resolves.toEqual(['done 3', 'done 4', 'done 5']);
  });

  it('never writes more than maxBatch items at once', async () => {
    const gate = new GatedWrite();
    const batcher = new WriteBatcher(gate.write, 2);
    const answers = [1, 2, 3, 4, 5].map((item) => batcher.add(item));
    for (let index = 0; index < 3; index += 1) {
      await turn();
      gate.release();
    }
    await expect(Promise.all(answers)).resolves.toHaveLength(5);
    expect(gate.calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a failed write rejects its own items only; the next write goes ahead', async () => {
    const gate = new GatedWrite();
    const batcher = new WriteBatcher(gate.write, 10);
    gate.failNext = new Error('connection lost');
    const failed = [batcher.add(1), batcher.add(2)];
    await turn();
    const later = batcher.add(3);
    gate.release();
    await expect(failed[0]).rejects.toThrow('connection lost');
    await expect(failed[1]).rejects.toThrow('connection lost');
    await turn();
    gate.release();
    await expect(later).resolves.toBe('done 3');
  });

  it('a write that answers the wrong number of results rejects its items', async () => {
    const batcher = new WriteBatcher(async (items: readonly number[]) => items.slice(1), 10);
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow('answered 1 results for 2 items');
  });

  it('refuses a batch size below one', () => {
    expect(() => new WriteBatcher(async (items: readonly number[]) => items, 0)).toThrow('maxBatch must be a positive integer');
  });
});
