import { BatchedLookup } from '../catalog/batched-lookup';

describe('BatchedLookup', () => {
  it('serves many look-ups in flight with one query at a time, each key once', async () => {
    const batches: string[][] = [];
    let running = 0;
    let mostRunning = 0;
    const lookup = new BatchedLookup(async (keys) => {
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      batches.push(keys);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    }, 400);
    const keys = Array.from({ length: 1000 }, (_value, index) => `slug-${index % 900}`);
    await Promise.all(keys.map((key) => lookup.load(key)));
    expect(mostRunning).toBe(1);
    expect(batches.map((batch) => batch.length)).toEqual([400, 400, 100]);
    expect(new Set(batches.flat()).size).toBe(900);
  });

  it('fails every look-up of a batch whose query failed, and goes on with the next', async () => {
    let calls = 0;
    const lookup = new BatchedLookup(async () => {
      calls += 1;
      if (calls === 1) throw new Error('connection refused');
    });
    const first = Promise.allSettled([lookup.load('a'), lookup.load('b')]);
    expect((await first).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(lookup.load('c')).resolves.toBeUndefined();
  });
});
