/**
 * For the heap measurements and benchmarks of schedules and of what is built on them; nothing in production
 * uses it.
 */

/** mulberry32: a small deterministic PRNG, so every run builds the same population. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Heap in use after two full collections; `howToRun` says how to start node with --expose-gc. */
export function settledHeapUsed(howToRun = 'run node with --expose-gc'): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error(howToRun);
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
