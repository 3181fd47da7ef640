import { TurnBatcher } from '../turn-batcher';

describe('TurnBatcher', () => {
  it('calls made in one turn of the event loop go out in one run, and each caller gets its outcome', async () => {
    const runs: number[][] = [];
    const batcher = new TurnBatcher<number>(async (items) => {
      runs.push(items);
    });
    await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    await batcher.add(4);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('a run that fails rejects every call in it; one that names the failure of each item rejects only those', async () => {
    const whole = new TurnBatcher<number>(async () => {
      throw new Error('down');
    });
    const all = await Promise.allSettled([whole.add(1), whole.add(2)]);
    expect(all.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);

    const each = new TurnBatcher<number>(async (items) => items.map((item) => (item % 2 === 0 ? new Error(`even ${item}`) : undefined)));
    const outcomes = await Promise.allSettled([each.add(1), each.add(2), each.add(3)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('even 2'));
  });

  it('serial: one run at a time, and the calls made while one runs go out together in the next', async () => {
    const runs: number[][] = [];
    let running = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new TurnBatcher<number>(
      async (items) => {
        running += 1;
        most = Math.max(most, running);
        runs.push(items);
        if (runs.length === 1) await gate;
        running -= 1;
      },
      { serial: true },
    );
    const first = batcher.add(1);
    // Let the first run start (it waits on the gate), then add three more in separate turns.
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.add(2)];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batcher.add(3), batcher.add(4));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });
});
